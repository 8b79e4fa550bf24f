import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { readCache, writeCache } from "../cache.js";
import { checkAgainstLog, QuickCheck, replay } from "./anchors.js";
import { sha256 } from "./canonical.js";
import type { SessionRecord } from "./events.js";
import { hashFile } from "./hash.js";
import { sessionIds } from "./ids.js";
import { readLog, scanLog } from "./log.js";
import { type BackupEntry, MANIFEST, namesBackups, readManifest, recordedBackups } from "./manifest.js";
import type { SessionState } from "./reduce.js";
import { listingStatus, progress, type SessionStatus, sessionOutcome } from "./rules.js";
import { LOG_FILE } from "./store.js";

/** The newest session still in progress, if any: what `rollout resume` with no id continues. */
export function newestUnfinished(sessionsDir: string): string | undefined {
	return listSessions(sessionsDir).find((session) => session.status === "in progress")?.id;
}

/** One row of `rollout list`. */
export interface SessionSummary {
	readonly id: string;
	readonly title: string;
	readonly checklistId: string;
	/** In progress until the session has ended; then how it ended. */
	readonly status: SessionStatus | "damaged";
	/** The outcome decided so far, shown apart from the status while the session is still in progress. */
	readonly decision?: string;
	readonly done: number;
	readonly total: number;
	readonly operator: string;
	readonly startedAt: string;
	readonly lastActivityAt: string;
	readonly dryRun: boolean;
}

/**
 * The state of a session read without locking or repairing anything, replayed from its log:
 * session.json is only a copy, and a copy edited by hand must not be what a listing shows.
 * `damaged` when the log breaks somewhere (the state is then what the records before the break give).
 */
export function readSessionState(dir: string): { state: SessionState; damaged: boolean } | undefined {
	if (!existsSync(join(dir, LOG_FILE))) return undefined;
	const { records, problem } = readLog(join(dir, LOG_FILE));
	const state = replay(records);
	return state && { state, damaged: problem !== undefined };
}

/** Sessions in `sessionsDir`, newest first. */
export function listSessions(sessionsDir: string): SessionSummary[] {
	const cacheName = `list-${sha256(resolve(sessionsDir)).slice(0, 16)}`;
	const cached = readCache<Record<string, { log: string; row: SessionSummary }>>(cacheName) ?? {};
	const kept: Record<string, { log: string; row: SessionSummary }> = {};
	let changed = false;
	const rows = sessionIds(sessionsDir).map((id): SessionSummary => {
		const log = logIdentity(join(sessionsDir, id, LOG_FILE));
		const known = cached[id];
		if (log && known?.log === log) {
			kept[id] = known;
			return known.row;
		}
		const row = summarise(sessionsDir, id);
		if (log) kept[id] = { log, row };
		changed = true;
		return row;
	});
	if (changed || Object.keys(kept).length !== Object.keys(cached).length) writeCache(cacheName, kept);
	return rows.sort((a, b) => b.startedAt.localeCompare(a.startedAt) || b.id.localeCompare(a.id));
}

/**
 * Which version of a log file this is, to the nanosecond: any write to it, or any replacement,
 * changes its change time, which no one can set back by hand. A listing worked out from a log
 * holds for as long as this stays the same.
 */
function logIdentity(path: string): string | undefined {
	try {
		const { dev, ino, size, mtimeNs, ctimeNs } = statSync(path, { bigint: true });
		return `${dev}:${ino}:${size}:${mtimeNs}:${ctimeNs}`;
	} catch {
		return undefined;
	}
}

/** One session's row, replayed from its log. */
function summarise(sessionsDir: string, id: string): SessionSummary {
	let read: ReturnType<typeof readSessionState>;
	try {
		read = readSessionState(join(sessionsDir, id));
	} catch {
		read = undefined;
	}
	if (!read) {
		return {
			id,
			title: "",
			checklistId: "",
			status: "damaged",
			done: 0,
			total: 0,
			operator: "",
			startedAt: "",
			lastActivityAt: "",
			dryRun: false,
		};
	}
	const { state, damaged } = read;
	return {
		id,
		title: state.checklist.title,
		checklistId: state.checklist.id,
		status: damaged ? "damaged" : listingStatus(state),
		decision: sessionOutcome(state)?.outcome,
		...progress(state),
		operator: state.operator,
		startedAt: state.startedAt,
		lastActivityAt: state.lastActivityAt,
		dryRun: state.dryRun,
	};
}

export interface VerifyReport {
	readonly ok: boolean;
	readonly events: number;
	readonly head?: string;
	/** The first thing that is wrong, with its file and line. */
	readonly problem?: string;
	readonly notes: readonly string[];
	readonly backupsChecked: number;
}

/**
 * Checks a session on disk: the log's chain, the files written from it (session.json, the
 * sign-off record) against it, and every backup against the checksum the log recorded.
 */
export function verifySession(dir: string): VerifyReport {
	const logPath = join(dir, LOG_FILE);
	const notes: string[] = [];
	// One pass that keeps no record, for the common case of files that agree; anything else is
	// read again whole, so that what differs is named.
	const quick = new QuickCheck(dir);
	const withBackups: SessionRecord[] = [];
	let head: string | undefined;
	const { count, tornTail, problem } = scanLog(logPath, (record, index) => {
		quick.visit(record, index);
		if (namesBackups(record)) withBackups.push(record);
		head = record.hash;
	});
	const base = { events: count, head, notes, backupsChecked: 0 };
	if (problem)
		return {
			...base,
			ok: false,
			problem: `${logPath}:${problem.line}: ${problem.reason}`,
		};
	if (count === 0) return { ...base, ok: false, problem: `${logPath}: the log has no events` };
	if (tornTail) {
		notes.push(
			`${logPath}: the last ${tornTail.bytes} bytes are a record cut off mid-write; it is dropped when the session is next opened`,
		);
	}
	let records: readonly SessionRecord[] = withBackups;
	if (!quick.finish(count)) {
		records = readLog(logPath).records;
		const disagreement = checkAgainstLog(dir, records, notes).problem;
		if (disagreement) return { ...base, ok: false, problem: disagreement };
	}
	const backups = checkBackups(dir, records, notes);
	return { ...base, ...backups, ok: backups.problem === undefined };
}

/** Each backup the log recorded against its checksum there; manifest.json must agree with the log. */
function checkBackups(
	dir: string,
	records: readonly SessionRecord[],
	notes: string[],
): { backupsChecked: number; problem?: string } {
	let entries: BackupEntry[];
	try {
		entries = readManifest(dir);
	} catch {
		return { backupsChecked: 0, problem: `${join(dir, MANIFEST)}: not a readable manifest` };
	}
	const recorded = recordedBackups(records);
	const logged = new Map(recorded.map((entry) => [entry.backup, entry]));
	let checked = 0;
	for (const entry of recorded) {
		const copy = join(dir, entry.backup as string);
		const where = `${join(dir, LOG_FILE)}:${entry.line}`;
		if (!existsSync(copy)) {
			return {
				backupsChecked: checked,
				problem: `${copy}: backup of ${entry.source} is missing (recorded at ${where})`,
			};
		}
		if (hashFile(copy) !== entry.sha256) {
			return {
				backupsChecked: checked,
				problem: `${copy}: checksum differs from the one the log recorded at ${where} (backup of ${entry.source})`,
			};
		}
		checked++;
	}
	for (const entry of entries) {
		if (entry.absent || !entry.backup) continue;
		const inLog = logged.get(entry.backup);
		if (inLog) {
			if (inLog.sha256 !== entry.sha256 || inLog.source !== entry.source) {
				return {
					backupsChecked: checked,
					problem: `${join(dir, MANIFEST)}: the entry for ${entry.backup} differs from the log's at ${join(dir, LOG_FILE)}:${inLog.line} (the manifest was edited)`,
				};
			}
			continue;
		}
		// Copied by a backup step that was cut off before it finished: the log never vouched for it.
		const copy = join(dir, entry.backup);
		if (!existsSync(copy)) {
			return { backupsChecked: checked, problem: `${copy}: backup of ${entry.source} is missing` };
		}
		if (hashFile(copy) !== entry.sha256) {
			return {
				backupsChecked: checked,
				problem: `${copy}: checksum differs from the manifest (backup of ${entry.source})`,
			};
		}
		notes.push(`${copy}: not recorded in the log (its backup step was cut off); no rollback restores it`);
		checked++;
	}
	return { backupsChecked: checked };
}
