/**
 * What rollout can always work out again, kept so that it need not: in $XDG_CACHE_HOME/rollout
 * (or ~/.cache/rollout), beside the code cache. Every entry is tied to the build that wrote it
 * and to the file it was worked out from, so a stale entry is never used; losing the folder
 * costs time, never correctness. Only a built rollout keeps entries (tests of the source do not).
 */
import { mkdirSync, readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { basename, join } from "node:path";
import { writeFileAtomicSync } from "./session/atomic.js";

/**
 * The build this code runs from: the size and time of its bundle. Undefined when running from source.
 */
function buildId(): string | undefined {
	try {
		// The bundle is given its own path as __filename; source run by tests is not a bundle.
		if (basename(__filename) !== "core.cjs") return undefined;
		const { size, mtimeMs } = statSync(__filename);
		return `${size}-${Math.round(mtimeMs)}`;
	} catch {
		return undefined;
	}
}

const build = buildId();

function cachePath(name: string): string {
	return join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "rollout", `${name}.json`);
}

/** An entry this build wrote, or undefined. */
export function readCache<T>(name: string): T | undefined {
	if (!build || process.env.ROLLOUT_NO_CACHE) return undefined;
	try {
		const entry = JSON.parse(readFileSync(cachePath(name), "utf8")) as { build?: string; value?: T };
		return entry.build === build ? entry.value : undefined;
	} catch {
		return undefined;
	}
}

/** Keeps an entry, written whole or not at all; a cache that cannot be written is only slower. */
export function writeCache(name: string, value: unknown): void {
	if (!build || process.env.ROLLOUT_NO_CACHE) return;
	try {
		const path = cachePath(name);
		mkdirSync(join(path, ".."), { recursive: true, mode: 0o700 });
		writeFileAtomicSync(path, JSON.stringify({ build, value }), 0o600);
	} catch {
		// Read-only home, full disk: the next run works it out again.
	}
}
