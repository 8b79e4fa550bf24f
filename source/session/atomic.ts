import {
	chmodSync,
	chownSync,
	closeSync,
	existsSync,
	fchmodSync,
	fsyncSync,
	mkdirSync,
	openSync,
	readdirSync,
	realpathSync,
	renameSync,
	rmSync,
	statSync,
	writeSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";

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

let writes = 0;

/**
 * Writes a file so that a crash leaves either the old or the new content, never a mix: a temp
 * file beside it named after this process, fsynced, renamed over it, then the folder fsynced.
 * An existing file keeps its mode and owner; a symlink is written through. Temps that a killed
 * writer left beside the file are removed first.
 */
export function writeFileAtomicSync(path: string, data: string | Buffer, mode?: number): void {
	const target = existsSync(path) ? realpathSync(path) : path;
	removeStaleTemps(target);
	const existing = statOrUndefined(target);
	const temp = join(dirname(target), tempNameFor(basename(target), ++writes));
	const fd = openSync(temp, "wx", mode ?? 0o666);
	try {
		try {
			const bytes = typeof data === "string" ? Buffer.from(data) : data;
			for (let written = 0; written < bytes.length; ) written += writeSync(fd, bytes, written);
			// Given a mode, that; an existing file keeps its own; a new one gets the session mode.
			fchmodSync(fd, mode ?? (existing ? existing.mode & 0o7777 : sessionModes().file));
			if (existing && process.getuid?.() === 0) chownSync(temp, existing.uid, existing.gid);
			fsyncSync(fd);
		} finally {
			closeSync(fd);
		}
		renameSync(temp, target);
	} catch (error) {
		rmSync(temp, { force: true });
		throw error;
	}
	fsyncDirectory(dirname(target));
}

const TEMP_SUFFIX = ".rollout-tmp";

/** A temp file name for `name` in this process, which removeStaleTemps knows once the process is gone. */
export function tempNameFor(name: string, serial: number): string {
	return `.${name}.${process.pid}.${serial}${TEMP_SUFFIX}`;
}
/** `.<name>.<pid>.<n>.rollout-tmp`, written by writeFileAtomicSync. */
const TEMP = /^\.(.+)\.(\d+)\.\d+\.rollout-tmp$/;
/** `<name>.<uint32>`: what write-file-atomic, used before, left behind. */
const LEGACY_TEMP = /^(.+)\.\d{5,10}$/;

/** Makes a rename or a new file in `dir` durable. */
export function fsyncDirectory(dir: string): void {
	const fd = openSync(dir, "r");
	try {
		fsyncSync(fd);
	} finally {
		closeSync(fd);
	}
}

/**
 * Removes the temp files a killed atomic write of `path` left behind, returning their names.
 * A temp of a process still running on this host is its write in progress and stays.
 */
export function removeStaleTemps(path: string): string[] {
	const name = basename(path);
	return removeWhere(dirname(path), (entry) => {
		const match = TEMP.exec(entry);
		return match?.[1] === name && !alive(Number(match[2]));
	});
}

/** Every stale temp in a folder whose files are all ours (a session folder), whatever file it was for. */
export function removeStaleTempsIn(dir: string): string[] {
	return removeWhere(dir, (entry) => {
		const match = TEMP.exec(entry);
		return match ? !alive(Number(match[2])) : LEGACY_TEMP.test(entry);
	});
}

/** Removes the entries of `dir` that `stale` picks; returns their paths. */
function removeWhere(dir: string, stale: (entry: string) => boolean): string[] {
	let names: string[];
	try {
		names = readdirSync(dir);
	} catch {
		return [];
	}
	const picked = names.filter(stale).map((entry) => join(dir, entry));
	for (const path of picked) rmSync(path, { force: true });
	return picked;
}

/** Whether an error means the disk (or the quota) is full: nothing the step did wrong, worth a retry. */
export function isDiskFull(error: unknown): boolean {
	const code = (error as NodeJS.ErrnoException | undefined)?.code;
	return code === "ENOSPC" || code === "EDQUOT";
}

function statOrUndefined(path: string) {
	try {
		return statSync(path);
	} catch {
		return undefined;
	}
}

function alive(pid: number): boolean {
	if (pid === process.pid) return false;
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === "EPERM";
	}
}
