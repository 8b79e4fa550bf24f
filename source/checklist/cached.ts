/**
 * Checklists parsed and validated before, by the digest of their bytes, the `--var` overrides
 * and the home folder: all a checklist without secrets depends on. Loading such a checklist
 * again costs a read and a hash, not a parse; this module imports neither the YAML parser nor
 * the schema, so a command that finds its checklist here never loads them.
 */
import { createHash } from "node:crypto";
import { homedir } from "node:os";
import { readCache, writeCache } from "../cache.js";
import type { VarValue } from "./interpolate.js";
import type { LoadedChecklist, LoadOptions } from "./load.js";
import { readInputFile } from "./read-file.js";

type Kept = Pick<LoadedChecklist, "checklist" | "vars">;

/** The largest checklist file read. */
export const MAX_CHECKLIST_BYTES = 5 * 1024 * 1024;

/**
 * The checklist file, when it was loaded before as it is now; undefined for anything else
 * (a file that changed, cannot be read, or was never loaded), which the full loader then reads
 * and reports on.
 */
export function loadCachedFile(path: string, options: LoadOptions = {}): LoadedChecklist | undefined {
	try {
		return cachedChecklist(path, readInputFile(path, MAX_CHECKLIST_BYTES, "a checklist file"), options);
	} catch {
		return undefined;
	}
}

function entryName(sha256: string, options: LoadOptions): string {
	const key = JSON.stringify([sha256, options.vars ?? {}, options.home ?? homedir()]);
	return `checklist-${createHash("sha256").update(key).digest("hex").slice(0, 32)}`;
}

/** The checklist loaded from these bytes before, or undefined. */
export function cachedChecklist(
	path: string,
	bytes: Buffer,
	options: LoadOptions,
): LoadedChecklist | undefined {
	const sha256 = createHash("sha256").update(bytes).digest("hex");
	const kept = readCache<Kept>(entryName(sha256, options));
	if (!kept) return undefined;
	const vars: Record<string, VarValue> = Object.create(null);
	Object.assign(vars, kept.vars);
	return { checklist: kept.checklist, vars, file: path, sha256, secrets: new Map() };
}

/**
 * Keeps a loaded checklist, unless its file alone does not decide it (`dependsOnMore`: it
 * declares secrets, whose values are never written, or includes other files, which the cache
 * key does not cover): those are parsed each time.
 */
export function keepChecklist(loaded: LoadedChecklist, options: LoadOptions, dependsOnMore: boolean): void {
	if (loaded.secrets.size > 0 || dependsOnMore) return;
	writeCache(entryName(loaded.sha256, options), { checklist: loaded.checklist, vars: loaded.vars });
}
