import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { hashFile } from "./hash.js";
import { sessionIds } from "./ids.js";
import { readLog } from "./log.js";
import { type BackupEntry, MANIFEST, readManifest } from "./manifest.js";
import { reduce, type SessionState } from "./reduce.js";
import { listingStatus, progress, type SessionStatus, sessionOutcome } from "./rules.js";
import { LOG_FILE, readSnapshot } from "./store.js";

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

/** The state of a session read without locking or repairing anything. */
export function readSessionState(dir: string): SessionState | undefined {
	const snapshot = readSnapshot(dir);
	if (snapshot) return snapshot.state;
	if (!existsSync(join(dir, LOG_FILE))) return undefined;
	const { records } = readLog(join(dir, LOG_FILE));
	return records.reduce<SessionState | undefined>(
		(state, record) => reduce(state, record, record.at),
		undefined,
	);
}

/** Sessions in `sessionsDir`, newest first. */
export function listSessions(sessionsDir: string): SessionSummary[] {
	const rows = sessionIds(sessionsDir).map((id): SessionSummary => {
		let state: SessionState | undefined;
		try {
			state = readSessionState(join(sessionsDir, id));
		} catch {
			state = undefined;
		}
		if (!state) {
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
		return {
			id,
			title: state.checklist.title,
			checklistId: state.checklist.id,
			status: listingStatus(state),
			decision: sessionOutcome(state)?.outcome,
			...progress(state),
			operator: state.operator,
			startedAt: state.startedAt,
			lastActivityAt: state.lastActivityAt,
			dryRun: state.dryRun,
		};
	});
	return rows.sort((a, b) => b.startedAt.localeCompare(a.startedAt) || b.id.localeCompare(a.id));
}

function readAudit(dir: string): { events: number; head: string } | undefined {
	try {
		const { audit } = JSON.parse(readFileSync(join(dir, "signoff.json"), "utf8")) as {
			audit?: { events: number; head: string };
		};
		return audit && typeof audit.events === "number" ? audit : undefined;
	} catch {
		return undefined;
	}
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

/** Checks a session on disk: the log's chain, the snapshot's anchor and every backup's checksum. */
export function verifySession(dir: string): VerifyReport {
	const logPath = join(dir, LOG_FILE);
	const notes: string[] = [];
	const { records, tornTail, problem } = readLog(logPath);
	const base = {
		events: records.length,
		head: records.at(-1)?.hash,
		notes,
		backupsChecked: 0,
	};
	if (problem)
		return {
			...base,
			ok: false,
			problem: `${logPath}:${problem.line}: ${problem.reason}`,
		};
	if (records.length === 0) return { ...base, ok: false, problem: `${logPath}: the log has no events` };
	if (tornTail) {
		notes.push(
			`${logPath}: the last ${tornTail.bytes} bytes are a record cut off mid-write; it is dropped when the session is next opened`,
		);
	}
	// session.json and the sign-off record each hold the log's count and head hash when written:
	// a log that ends earlier lost records, one whose hash there differs was rewritten.
	for (const [name, anchor] of [
		["session.json", readSnapshot(dir)?.anchor],
		["signoff.json", readAudit(dir)],
	] as const) {
		if (!anchor) continue;
		if (anchor.events > records.length) {
			return {
				...base,
				ok: false,
				problem: `${logPath}: the log has ${records.length} events but ${name} recorded ${anchor.events}: records were lost from the end`,
			};
		}
		if (records[anchor.events - 1]?.hash !== anchor.head) {
			return {
				...base,
				ok: false,
				problem: `${logPath}:${anchor.events}: the hash differs from the head recorded in ${name}: the log was rewritten`,
			};
		}
	}
	let entries: BackupEntry[];
	try {
		entries = readManifest(dir);
	} catch {
		return { ...base, ok: false, problem: `${join(dir, MANIFEST)}: not a readable manifest` };
	}
	let checked = 0;
	for (const entry of entries) {
		if (entry.absent || !entry.backup) continue;
		const copy = join(dir, entry.backup);
		if (!existsSync(copy)) {
			return {
				...base,
				backupsChecked: checked,
				ok: false,
				problem: `${copy}: backup of ${entry.source} is missing`,
			};
		}
		if (hashFile(copy) !== entry.sha256) {
			return {
				...base,
				backupsChecked: checked,
				ok: false,
				problem: `${copy}: checksum differs from the manifest (backup of ${entry.source})`,
			};
		}
		checked++;
	}
	return { ...base, ok: true, backupsChecked: checked };
}
