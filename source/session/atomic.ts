import { closeSync, fsyncSync, openSync, readdirSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import writeFileAtomic from "write-file-atomic";

/** Writes a file so that a crash leaves either the old or the new content, never a mix. */
export function writeFileAtomicSync(path: string, data: string | Buffer, mode?: number): void {
	writeFileAtomic.sync(path, data, {
		fsync: true,
		...(mode === undefined ? {} : { mode }),
	});
	fsyncDirectory(dirname(path));
}

/** Makes a rename or a new file in `dir` durable. */
export function fsyncDirectory(dir: string): void {
	const fd = openSync(dir, "r");
	try {
		fsyncSync(fd);
	} finally {
		closeSync(fd);
	}
}

/** Removes temp files an atomic write left behind when its process was killed. */
export function removeStaleTemps(path: string): string[] {
	const dir = dirname(path);
	const prefix = `${basename(path)}.`;
	const stale = readdirSync(dir).filter(
		(name) => name.startsWith(prefix) && /^\d+$/.test(name.slice(prefix.length)),
	);
	for (const name of stale) rmSync(join(dir, name), { force: true });
	return stale;
}
