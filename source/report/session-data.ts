import { join } from "node:path";
import type { Checklist } from "../checklist/schema.js";
import type { SessionRecord } from "../session/events.js";
import { readLog } from "../session/log.js";
import type { BackupEntry } from "../session/manifest.js";
import { readManifest } from "../session/manifest.js";
import { replay, type SessionState } from "../session/reduce.js";
import { type Anchor, LOG_FILE } from "../session/store.js";

/** Everything reports are derived from: the log, the state it gives, the checklist it ran, the backups. */
export interface SessionData {
	readonly dir: string;
	/** The log's records, or those a session open for writing keeps (all but most monitor readings, which the state holds). */
	readonly records: readonly SessionRecord[];
	/** The log's event count and head hash. */
	readonly audit: Anchor;
	readonly state: SessionState;
	readonly definition: Checklist;
	readonly backups: readonly BackupEntry[];
}

/** Reads a session without locking it, for reports; a broken log is refused with its first bad line. */
export function readSessionData(dir: string): SessionData {
	const log = join(dir, LOG_FILE);
	const { records, problem } = readLog(log);
	if (problem) throw new Error(`${log}:${problem.line}: ${problem.reason} (see rollout verify)`);
	return sessionData(dir, records);
}

/**
 * The report's inputs from a session's records; `state` and `audit` when the caller has them
 * already (a session open for writing, whose records are not the whole log).
 */
export function sessionData(
	dir: string,
	records: readonly SessionRecord[],
	state: SessionState | undefined = replay(records),
	audit: Anchor = { events: records.length, head: records.at(-1)?.hash ?? "" },
): SessionData {
	if (!state) throw new Error(`${join(dir, LOG_FILE)} has no events`);
	let definition: unknown;
	for (const record of records) {
		if (record.type === "session.started" || record.type === "session.checklist-changed")
			definition = record.data.definition;
	}
	return { dir, records, audit, state, definition: definition as Checklist, backups: readManifest(dir) };
}
