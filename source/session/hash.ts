import { createHash } from "node:crypto";
import { closeSync, openSync, readSync } from "node:fs";

/** SHA-256 of a file, read in chunks so memory stays flat for large files. */
export function hashFile(path: string): string {
	const hash = createHash("sha256");
	const buffer = Buffer.allocUnsafe(1024 * 1024);
	const fd = openSync(path, "r");
	try {
		for (let read = readSync(fd, buffer); read > 0; read = readSync(fd, buffer))
			hash.update(buffer.subarray(0, read));
	} finally {
		closeSync(fd);
	}
	return hash.digest("hex");
}
