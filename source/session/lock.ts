import { readFileSync, rmSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import lockfile from "proper-lockfile";
import { writeFileAtomicSync } from "./atomic.js";

/** Who holds a session: written beside the lock so a refused process can name the holder. */
export interface LockOwner {
	readonly pid: number;
	readonly host: string;
	readonly since: string;
}

export class SessionLockedError extends Error {}

export interface LockOptions {
	/** A lock not refreshed for this long belongs to a dead process and is taken over. */
	readonly staleMs?: number;
	/** Called when the lock is lost (the event loop stalled past the stale window, or the lock was removed). */
	readonly onCompromised?: (error: Error) => void;
	/** Called once before waiting out a holder that ended without letting go, with what is waited for. */
	readonly onWait?: (message: string) => void;
}

/** ROLLOUT_LOCK_STALE_MS shortens or lengthens it (at least 2 s), e.g. for sessions on a slow network disk. */
const DEFAULT_STALE_MS = Math.max(Number(process.env.ROLLOUT_LOCK_STALE_MS) || 10_000, 2000);

/**
 * Takes the session's lock. A live holder makes this fail with a message naming it;
 * a holder that has ended on this host is waited out (at most the stale window) and taken over.
 */
export async function lockSession(dir: string, options: LockOptions = {}): Promise<() => Promise<void>> {
	const staleMs = options.staleMs ?? DEFAULT_STALE_MS;
	const ownerPath = join(dir, "lock.json");
	const attempt = (retries: number) =>
		lockfile.lock(dir, {
			lockfilePath: join(dir, ".lock"),
			realpath: false,
			stale: staleMs,
			retries: retries === 0 ? 0 : { retries, minTimeout: 250, maxTimeout: 500, factor: 1 },
			onCompromised: options.onCompromised ?? (() => {}),
		});
	let release: () => Promise<void>;
	try {
		release = await attempt(0);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== "ELOCKED") throw error;
		const owner = readOwner(ownerPath);
		if (!owner || owner.host !== hostname() || isAlive(owner.pid)) {
			throw new SessionLockedError(describeHolder(owner));
		}
		options.onWait?.(
			`pid ${owner.pid} ended without closing the session; taking it over (up to ${Math.ceil(staleMs / 1000)} s)`,
		);
		try {
			release = await attempt(Math.ceil((staleMs + 1000) / 250));
		} catch {
			throw new SessionLockedError(describeHolder(owner));
		}
	}
	const owner: LockOwner = {
		pid: process.pid,
		host: hostname(),
		since: new Date().toISOString(),
	};
	writeFileAtomicSync(ownerPath, `${JSON.stringify(owner)}\n`);
	return async () => {
		rmSync(ownerPath, { force: true });
		await release();
	};
}

function describeHolder(owner: LockOwner | undefined): string {
	if (!owner) return "the session is open in another process";
	return `the session is open in another process: pid ${owner.pid} on ${owner.host} since ${owner.since}`;
}

function readOwner(path: string): LockOwner | undefined {
	try {
		return JSON.parse(readFileSync(path, "utf8")) as LockOwner;
	} catch {
		return undefined;
	}
}

function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === "EPERM";
	}
}
