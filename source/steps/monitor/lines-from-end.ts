import { closeSync, openSync, readSync, statSync } from "node:fs";

const CHUNK = 64 * 1024;

/** The lines of a file from the last to the first, read backwards in chunks so a large log is never loaded whole. */
export function* linesFromEnd(file: string): Generator<string> {
	const fd = openSync(file, "r");
	try {
		let position = statSync(file).size;
		let rest = Buffer.alloc(0);
		while (position > 0) {
			const size = Math.min(CHUNK, position);
			position -= size;
			const chunk = Buffer.alloc(size);
			readSync(fd, chunk, 0, size, position);
			const buffer = Buffer.concat([chunk, rest]);
			let end = buffer.length;
			for (let index = buffer.lastIndexOf(10, end - 1); index >= 0; index = buffer.lastIndexOf(10, end - 1)) {
				if (index + 1 < end) yield buffer.toString("utf8", index + 1, end);
				end = index;
				if (end === 0) break;
			}
			rest = buffer.subarray(0, end);
		}
		// The file's first line: a byte-order mark there is not part of the record.
		const first = rest[0] === 0xef && rest[1] === 0xbb && rest[2] === 0xbf ? rest.subarray(3) : rest;
		if (first.length > 0) yield first.toString("utf8");
	} finally {
		closeSync(fd);
	}
}
