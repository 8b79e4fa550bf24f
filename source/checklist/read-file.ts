import { closeSync, constants, fstatSync, openSync, readSync, statSync } from "node:fs";

/** Why an input file was refused, in a few words; the caller puts the file's name in front. */
export class InputFileError extends Error {}

/**
 * Reads a small input file (a checklist, an answers file) whole. Only a regular file is read,
 * and never more than `maxBytes`: a FIFO, a device such as /dev/zero or a huge file is refused
 * before reading, instead of hanging or filling memory.
 */
export function readInputFile(path: string, maxBytes: number, what = "a regular file"): Buffer {
	let fd: number;
	try {
		// Refused by its type before it is opened: opening a FIFO waits for a writer.
		const kind = describeNonRegular(statSync(path));
		if (kind) throw new InputFileError(`is ${kind}, not ${what}`);
		fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
	} catch (error) {
		throw error instanceof InputFileError ? error : new InputFileError(describeFsError(error));
	}
	try {
		const stat = fstatSync(fd);
		const kind = describeNonRegular(stat);
		if (kind) throw new InputFileError(`is ${kind}, not ${what}`);
		if (stat.size > maxBytes)
			throw new InputFileError(`is ${stat.size} bytes; the limit is ${sizeText(maxBytes)}`);
		// The file may grow after fstat: read one byte past the limit to notice.
		const buffer = Buffer.alloc(maxBytes + 1);
		let length = 0;
		for (;;) {
			const read = readSync(fd, buffer, length, buffer.length - length, null);
			if (read === 0) break;
			length += read;
			if (length > maxBytes) throw new InputFileError(`is larger than ${sizeText(maxBytes)}`);
		}
		return buffer.subarray(0, length);
	} finally {
		closeSync(fd);
	}
}

function describeNonRegular(stat: import("node:fs").Stats): string | undefined {
	if (stat.isFile()) return undefined;
	if (stat.isDirectory()) return "a directory";
	if (stat.isFIFO()) return "a FIFO (named pipe)";
	if (stat.isCharacterDevice() || stat.isBlockDevice()) return "a device";
	if (stat.isSocket()) return "a socket";
	return "not a file";
}

function sizeText(bytes: number): string {
	return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`;
}

function describeFsError(error: unknown): string {
	const code = (error as NodeJS.ErrnoException).code;
	if (code === "ENOENT") return "no such file";
	if (code === "EACCES" || code === "EPERM") return "permission denied";
	return (error as Error).message;
}
