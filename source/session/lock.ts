import {
	closeSync,
	fsyncSync,
	linkSync,
	mkdirSync,
	openSync,
	readFileSync,
	rmdirSync,
	rmSync,
	statSync,
	unlinkSync,
	writeSync,
} from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { fsyncDirectory, tempNameFor } from "./atomic.js";

/** Who holds a session: the lock file's content, so a refused process can name the holder. */
export interface LockOwner {
	readonly pid: number;
	readonly host: string;
	readonly since: string;
	/** The holder's start time as the kernel counts it, so a recycled pid is not taken for the holder. */
	readonly start?: string;
}

export class SessionLockedError extends Error {}

export interface LockOptions {
	/** Called when the lock of a holder that ended without letting go is taken over, with what was found. */
	readonly onWait?: (message: string) => void;
}

/** A session's lock, held by this process until released. */
export interface SessionLock {
	release(): void;
	/** Why this process no longer holds the lock (removed or replaced by hand), or undefined while it does. */
	lost(): string | undefined;
}

export const LOCK_FILE = "lock.json";
/** A takeover lasts milliseconds: a marker older than this was left by a process killed mid-takeover. */
const TAKEOVER_STALE_MS = 10_000;

/**
 * Takes the session's lock: `lock.json`, created whole or not at all. A holder whose process
 * lives on this host keeps it however long it is silent (a blocked event loop, a stopped job);
 * a holder on another host cannot be checked, so the lock is refused naming it. A holder whose
 * process is gone is taken over at once.
 */
export async function lockSession(dir: string, options: LockOptions = {}): Promise<SessionLock> {
	const path = join(dir, LOCK_FILE);
	const me: LockOwner = {
		pid: process.pid,
		host: hostname(),
		since: new Date().toISOString(),
		start: processStart(process.pid),
	};
	const content = `${JSON.stringify(me)}\n`;
	for (let tries = 0; ; tries++) {
		if (create(dir, path, content)) break;
		const owner = readOwner(path);
		if (owner === "missing") continue;
		if (owner === undefined) {
			// A lock file is never written in place, so an unreadable one was damaged by hand.
			throw new SessionLockedError(`${path} is unreadable; if no process has the session open, remove it`);
		}
		if (owner.host !== hostname()) {
			throw new SessionLockedError(
				`the session is open on another host: pid ${owner.pid} on ${owner.host} since ${owner.since}; if that process is gone, remove ${path}`,
			);
		}
		if (holderAlive(owner)) throw new SessionLockedError(describeHolder(owner));
		if (tries >= 20) throw new SessionLockedError(describeHolder(owner));
		if (takeOver(path, owner)) {
			options.onWait?.(`pid ${owner.pid} ended without closing the session; took it over`);
			continue;
		}
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
	// The directory left by an earlier lock implementation holds nothing worth keeping.
	rmSync(join(dir, ".lock"), { recursive: true, force: true });
	// The lock file is never written in place: while its inode and change time are the ones this
	// process made, it still names this process, and checking costs one stat, not a read.
	const mine = identity(path);
	const lost = (): string | undefined => {
		if (mine !== undefined && identity(path) === mine) return undefined;
		const owner = readOwner(path);
		if (owner === "missing") return `${path} was removed`;
		if (owner?.pid === me.pid && owner.since === me.since && owner.host === me.host) return undefined;
		return owner ? `${path} now names pid ${owner.pid} on ${owner.host}` : `${path} is unreadable`;
	};
	return {
		release() {
			if (lost() === undefined) rmSync(path, { force: true });
		},
		lost,
	};
}

/** Creates the lock file with its content in one step: written beside it, then hard-linked into place. */
function create(dir: string, path: string, content: string): boolean {
	const temp = join(dir, tempNameFor(LOCK_FILE, 0));
	const fd = openSync(temp, "w");
	try {
		writeSync(fd, content);
		fsyncSync(fd);
	} finally {
		closeSync(fd);
	}
	try {
		linkSync(temp, path);
		fsyncDirectory(dir);
		return true;
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
		throw error;
	} finally {
		rmSync(temp, { force: true });
	}
}

/**
 * Removes a dead holder's lock. Two processes may find the same dead holder at once: a
 * marker directory lets only one of them remove it, and only if it still names that holder.
 */
function takeOver(path: string, dead: LockOwner): boolean {
	const marker = `${path}.takeover`;
	try {
		mkdirSync(marker);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
		try {
			if (Date.now() - statSync(marker).mtimeMs > TAKEOVER_STALE_MS) rmdirSync(marker);
		} catch {
			// Gone already: the other process finished its takeover.
		}
		return false;
	}
	try {
		const owner = readOwner(path);
		if (owner !== "missing" && owner?.pid === dead.pid && owner.since === dead.since) unlinkSync(path);
		return true;
	} finally {
		rmdirSync(marker);
	}
}

/** Which file a path names, to the nanosecond of its last change; undefined when it is missing. */
function identity(path: string): string | undefined {
	const stat = statSync(path, { bigint: true, throwIfNoEntry: false });
	return stat && `${stat.dev}:${stat.ino}:${stat.ctimeNs}`;
}

function describeHolder(owner: LockOwner): string {
	return `the session is open in another process: pid ${owner.pid} on ${owner.host} since ${owner.since}`;
}

function readOwner(path: string): LockOwner | "missing" | undefined {
	let text: string;
	try {
		text = readFileSync(path, "utf8");
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === "ENOENT") return "missing";
		throw error;
	}
	try {
		const owner = JSON.parse(text) as LockOwner;
		return typeof owner?.pid === "number" && typeof owner.host === "string" ? owner : undefined;
	} catch {
		return undefined;
	}
}

/** Whether the holder's process still runs: its pid exists and, where the kernel says, started when it did. */
function holderAlive(owner: LockOwner): boolean {
	try {
		process.kill(owner.pid, 0);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
	}
	const start = processStart(owner.pid);
	return owner.start === undefined || start === undefined || start === owner.start;
}

/** Field 22 of /proc/<pid>/stat (start time in clock ticks since boot); undefined where there is no /proc. */
function processStart(pid: number): string | undefined {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
		return stat
			.slice(stat.lastIndexOf(")") + 2)
			.split(" ")
			.at(19);
	} catch {
		return undefined;
	}
}
