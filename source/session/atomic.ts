import {
	chmodSync,
	closeSync,
	existsSync,
	fsyncSync,
	mkdirSync,
	openSync,
	readdirSync,
	rmSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import writeFileAtomic from "write-file-atomic";

/**
 * Modes for what rollout creates: private to the operator (folders 0700, files 0600), or
 * shared with the folder's group when ROLLOUT_SHARE=group (folders 2770, files 0660).
 */
export function sessionModes(env: NodeJS.ProcessEnv = process.env): {
	readonly file: number;
	readonly dir: number;
} {
	return env.ROLLOUT_SHARE === "group" ? { file: 0o660, dir: 0o2770 } : { file: 0o600, dir: 0o700 };
}

/** `mkdir -p` giving each folder it creates the session mode, whatever the umask; existing ones are left as they are. */
export function makeSessionDir(path: string): void {
	const first = mkdirSync(path, { recursive: true });
	if (first === undefined) return;
	const { dir } = sessionModes();
	for (let current = path; ; current = dirname(current)) {
		chmodSync(current, dir);
		if (current === first || dirname(current) === current) break;
	}
}

/** Creates an empty file with the session mode, if it is not there yet. */
export function touchSessionFile(path: string): void {
	if (existsSync(path)) return;
	closeSync(openSync(path, "a", sessionModes().file));
	chmodSync(path, sessionModes().file);
}

/**
 * Writes a file so that a crash leaves either the old or the new content, never a mix.
 * An existing file keeps its mode unless one is given; a new one gets the session mode.
 */
export function writeFileAtomicSync(path: string, data: string | Buffer, mode?: number): void {
	const chosen = mode ?? (existsSync(path) ? undefined : sessionModes().file);
	writeFileAtomic.sync(path, data, {
		fsync: true,
		...(chosen === undefined ? {} : { mode: chosen }),
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
