import { randomBytes } from "node:crypto";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** A new session id that sorts by start time: `20261123-091500-<checklist-id>-k3x9`. */
export function newSessionId(checklistId: string, now: Date): string {
	const iso = now.toISOString();
	const stamp = `${iso.slice(0, 10).replaceAll("-", "")}-${iso.slice(11, 19).replaceAll(":", "")}`;
	const random = randomBytes(3).readUIntBE(0, 3).toString(36).padStart(4, "0").slice(-4);
	return `${stamp}-${checklistId}-${random}`;
}

/** Why a session id typed by a user is unsafe to use as a folder name, or undefined when it is fine. */
export function invalidSessionId(id: string): string | undefined {
	if (id.length === 0) return "a session id is needed";
	if (id.length > 200) return "a session id is at most 200 characters";
	if (id.includes("/") || id.includes("\\"))
		return `"${id}" is not a session id: it contains a path separator`;
	if (id.includes("..")) return `"${id}" is not a session id: it contains ".."`;
	if (!SAFE_ID.test(id)) return `"${id}" is not a session id: use letters, digits, ".", "_" and "-"`;
	return undefined;
}

/** The folders under `sessionsDir` that hold a session log, by id. */
export function sessionIds(sessionsDir: string): string[] {
	let names: string[];
	try {
		names = readdirSync(sessionsDir);
	} catch {
		return [];
	}
	return names
		.filter((name) => SAFE_ID.test(name) && existsSync(join(sessionsDir, name, "events.jsonl")))
		.sort();
}

/** An unknown, ambiguous or unsafe session id: a usage error (exit 2). */
export class SessionLookupError extends Error {
	readonly exitCode = 2;
}

/** The one session whose id is `idOrPrefix` or starts with it; a clear error otherwise. */
export function resolveSessionId(sessionsDir: string, idOrPrefix: string): string {
	const invalid = invalidSessionId(idOrPrefix);
	if (invalid) throw new SessionLookupError(invalid);
	const ids = sessionIds(sessionsDir);
	if (ids.includes(idOrPrefix)) return idOrPrefix;
	const matches = ids.filter((id) => id.startsWith(idOrPrefix));
	if (matches.length === 1 && matches[0]) return matches[0];
	if (matches.length === 0) throw new SessionLookupError(`no session "${idOrPrefix}" in ${sessionsDir}`);
	throw new SessionLookupError(
		`"${idOrPrefix}" matches ${matches.length} sessions: ${matches.slice(0, 5).join(", ")}${matches.length > 5 ? ", …" : ""}`,
	);
}
