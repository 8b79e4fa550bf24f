import {
	chmodSync,
	existsSync,
	mkdirSync,
	readdirSync,
	readFileSync,
	renameSync,
	rmSync,
	truncateSync,
} from "node:fs";
import { join } from "node:path";
import { type Anchor, checkAgainstLog, snapshotText } from "./anchors.js";
import {
	fsyncDirectory,
	isDiskFull,
	makeSessionDir,
	removeStaleTemps,
	removeStaleTempsIn,
	sessionModes,
	touchSessionFile,
	writeFileAtomicSync,
} from "./atomic.js";
import { recordHash } from "./canonical.js";
import { GENESIS_HASH, type SessionEvent, type SessionRecord } from "./events.js";
import { type LockOptions, lockSession, type SessionLock } from "./lock.js";
import { LogWriter, readLog } from "./log.js";
import { apply, type SessionState } from "./reduce.js";

export type { Anchor } from "./anchors.js";

/** `session.json`: the derived state for fast listing, and the anchor of the log it came from. */
export interface Snapshot {
	readonly anchor: Anchor;
	/** The state's shape (a hash of its field names), so verify knows which fields to expect. */
	readonly format?: string;
	readonly state: SessionState;
}

/** A problem with a session on disk, phrased for the operator. */
export class SessionStoreError extends Error {}

export interface StoreOptions extends LockOptions {
	/** The clock; injected so tests control time. */
	readonly now?: () => Date;
}

export const LOG_FILE = "events.jsonl";
export const SNAPSHOT_FILE = "session.json";

/**
 * One session, open for writing: holds its lock, appends events to the hash-chained log
 * (one write each, on the disk before rollout acts on it) and keeps `session.json` in step, written atomically.
 */
export class SessionStore {
	/** What opening the session found and repaired, such as a torn last line. */
	readonly warnings: string[] = [];
	/** Set once a write failed: a half-written record may follow the last good one, so nothing more is appended. */
	private failed: string | undefined;
	/** How many events the last session.json written holds. */
	private snapshotEvents = -1;
	/** How many events the log holds: `log` keeps fewer records than that. */
	private events: number;
	/** When the last session.json was written (performance.now()) and how long that took. */
	private snapshotWritten = { at: Number.NEGATIVE_INFINITY, tookMs: 0 };

	private constructor(
		readonly dir: string,
		readonly id: string,
		private readonly writer: LogWriter,
		private readonly lock: SessionLock,
		private readonly log: SessionRecord[],
		private current: SessionState | undefined,
		private readonly now: () => Date,
	) {
		this.events = (log.at(-1)?.seq ?? -1) + 1;
	}

	/** Creates `sessionsDir/id/` and writes its first event. */
	static async create(
		sessionsDir: string,
		id: string,
		started: Extract<SessionEvent, { type: "session.started" }>,
		options: StoreOptions = {},
	): Promise<SessionStore> {
		makeSessionDir(sessionsDir);
		const dir = join(sessionsDir, id);
		if (existsSync(dir)) throw new SessionStoreError(`session ${id} already exists`);
		// The session appears under its id only once its first event is on disk: a crash
		// before that leaves a hidden folder that no listing shows, never a half-made session.
		removeAbandonedCreations(sessionsDir);
		const temp = join(sessionsDir, `${CREATING}${process.pid}-${id}`);
		mkdirSync(temp);
		chmodSync(temp, sessionModes().dir);
		touchSessionFile(join(temp, LOG_FILE));
		const at = (options.now ?? (() => new Date()))().toISOString();
		const unsigned = { ...started, seq: 0, at, prev: GENESIS_HASH };
		const writer = new LogWriter(join(temp, LOG_FILE));
		writer.append({ ...unsigned, hash: recordHash(unsigned) } as SessionRecord);
		writer.close();
		fsyncDirectory(temp);
		try {
			renameSync(temp, dir);
		} catch (error) {
			rmSync(temp, { recursive: true, force: true });
			if (["EEXIST", "ENOTEMPTY"].includes((error as NodeJS.ErrnoException).code ?? "")) {
				throw new SessionStoreError(`session ${id} already exists`);
			}
			throw error;
		}
		fsyncDirectory(sessionsDir);
		return SessionStore.open(sessionsDir, id, options);
	}

	/**
	 * Opens an existing session for writing; refuses a broken log, repairs a torn last line.
	 * `refuse`, when given, is asked under the lock once the log is read and checked, before
	 * anything is written (a torn line cut, a stale temp removed, session.json brought up to
	 * date): it throws to refuse, and the session is left as it was.
	 */
	static async open(
		sessionsDir: string,
		id: string,
		options: StoreOptions = {},
		refuse?: (records: readonly SessionRecord[], state: SessionState) => void,
	): Promise<SessionStore> {
		const dir = join(sessionsDir, id);
		const logPath = join(dir, LOG_FILE);
		if (!existsSync(logPath)) throw new SessionStoreError(`no session ${id} in ${sessionsDir}`);
		const warnings: string[] = [];
		let snapshotCurrent = false;
		const store = await SessionStore.attach(dir, id, options, () => {
			const contents = readLog(logPath);
			if (contents.problem) {
				throw new SessionStoreError(
					`${logPath}:${contents.problem.line}: ${contents.problem.reason}; the session cannot continue (see rollout verify ${id})`,
				);
			}
			if (contents.records.length === 0) throw new SessionStoreError(`session ${id} has no events`);
			// Appending would write a new anchor over the evidence that the log lost or changed records.
			const { problem, state, snapshotCurrent: current } = checkAgainstLog(dir, contents.records);
			snapshotCurrent = current;
			if (problem) {
				throw new SessionStoreError(
					`${problem}; the session cannot continue: run rollout verify ${id} and keep the folder as evidence`,
				);
			}
			if (refuse && state) refuse(contents.records, state);
			if (contents.tornTail) {
				truncateSync(logPath, contents.tornTail.offset);
				warnings.push(
					`the last record of ${logPath} was cut off mid-write (${contents.tornTail.bytes} bytes) and was removed`,
				);
			}
			for (const temp of [
				...removeStaleTempsIn(dir),
				...removeStaleTempsIn(join(dir, "backups")),
				...filesWritten(contents.records).flatMap(removeStaleTemps),
			]) {
				warnings.push(`removed ${temp}, left by an interrupted write`);
			}
			return { records: contents.records, state };
		});
		store.warnings.push(...warnings);
		if (snapshotCurrent) store.snapshotEvents = store.events;
		else store.writeSnapshot();
		return store;
	}

	/** Takes the lock, then reads the records and their state under it. */
	private static async attach(
		dir: string,
		id: string,
		options: StoreOptions,
		read: () => { records: readonly SessionRecord[]; state: SessionState | undefined },
	): Promise<SessionStore> {
		const lock = await lockSession(dir, options);
		try {
			const { records, state } = read();
			return new SessionStore(
				dir,
				id,
				new LogWriter(join(dir, LOG_FILE)),
				lock,
				keptRecords(records),
				state,
				options.now ?? (() => new Date()),
			);
		} catch (error) {
			lock.release();
			throw error;
		}
	}

	get state(): SessionState {
		if (!this.current) throw new SessionStoreError(`session ${this.id} has no events`);
		return this.current;
	}

	/**
	 * The log's records but for monitor readings, which the state holds already: of each run of
	 * readings only the last is kept, the time a watch cut off there stopped. So what the session
	 * holds grows with the steps walked, not with the hours watched. The log's length and head
	 * are its `anchor`.
	 */
	get records(): readonly SessionRecord[] {
		return this.log;
	}

	get anchor(): Anchor {
		return {
			events: this.events,
			head: this.log.at(-1)?.hash ?? GENESIS_HASH,
		};
	}

	/** Appends one event (durably, but for what `coveredByTheNext` names), then updates the state and the snapshot. */
	append(event: SessionEvent): SessionRecord {
		if (this.failed) throw new SessionStoreError(this.failed);
		const lost = this.lock.lost();
		if (lost) {
			this.failed = `lost the lock on session ${this.id} (${lost}); stopped writing so no two processes write it`;
			throw new SessionStoreError(this.failed);
		}
		const previous = this.log.at(-1);
		// Never let the log go back in time, even if the wall clock does.
		const now = this.now();
		const at = previous && Date.parse(previous.at) > now.getTime() ? previous.at : now.toISOString();
		const unsigned = {
			...event,
			seq: this.events,
			at,
			prev: previous?.hash ?? GENESIS_HASH,
		};
		const record = { ...unsigned, hash: recordHash(unsigned) } as SessionRecord;
		let line: string;
		try {
			line = this.writer.append(record, !coveredByTheNext(event));
		} catch (error) {
			this.failed = isDiskFull(error)
				? `no space left to record ${event.type} in ${join(this.dir, LOG_FILE)} (${(error as NodeJS.ErrnoException).code}); every earlier record is intact: free some space, then run rollout resume ${this.id}`
				: `could not record ${event.type} in ${join(this.dir, LOG_FILE)}: ${(error as Error).message}`;
			throw new SessionStoreError(this.failed);
		}
		// The state takes the record as the log holds it, as replay will: the same state, to the byte.
		// The record kept is that same object, so what a step left is held once, not twice.
		const kept = JSON.parse(line) as SessionRecord;
		keep(this.log, kept);
		this.events++;
		this.current = apply(this.current, kept, at);
		if (this.snapshotDue(event)) this.writeSnapshot();
		return record;
	}

	/**
	 * Whether session.json is to be rewritten after this event. It holds the whole state, so
	 * rewriting it per event would cost the session's size at every event: it is rewritten when
	 * the walk comes to rest (a step ended, a decision, an approval, a rollback action, the end),
	 * or after a while inside a long step, and then only once the time since the last rewrite is
	 * many times what that rewrite took. Opening and closing the session bring it up to the log.
	 */
	private snapshotDue(event: SessionEvent): boolean {
		const since = performance.now() - this.snapshotWritten.at;
		if (since < SNAPSHOT_COST_SHARE * this.snapshotWritten.tookMs) return false;
		return !INSIDE_A_STEP.has(event.type) || since >= SNAPSHOT_LONG_STEP_MS;
	}

	private writeSnapshot(): void {
		if (!this.current) return;
		const started = performance.now();
		try {
			writeFileAtomicSync(join(this.dir, SNAPSHOT_FILE), snapshotText(this.current, this.anchor));
			this.snapshotEvents = this.events;
		} catch (error) {
			// The record is in the log already; a snapshot behind the log is what a crash leaves too.
			if (!isDiskFull(error)) throw error;
		}
		const at = performance.now();
		this.snapshotWritten = { at, tookMs: at - started };
	}

	async close(): Promise<void> {
		try {
			// Only a process that still holds the lock and whose writes all went through may write it.
			if (this.snapshotEvents !== this.events && !this.failed && !this.lock.lost()) this.writeSnapshot();
		} finally {
			this.writer.close();
			this.lock.release();
		}
	}
}

const CREATING = ".creating-";

/** Adds a record to the records kept: a reading right after a reading takes its place. */
function keep(kept: SessionRecord[], record: SessionRecord): void {
	const last = kept.length - 1;
	if (record.type === "monitor.reading" && kept[last]?.type === "monitor.reading") kept[last] = record;
	else kept.push(record);
}

/** The records a store keeps of a whole log (see `SessionStore.records`). */
function keptRecords(records: readonly SessionRecord[]): SessionRecord[] {
	const kept: SessionRecord[] = [];
	for (const record of records) keep(kept, record);
	return kept;
}

/** Events in the middle of a step: session.json waits for the step to end (or for SNAPSHOT_LONG_STEP_MS). */
const INSIDE_A_STEP = new Set<SessionEvent["type"]>([
	"step.started",
	"step.intent",
	"step.effect",
	"monitor.reading",
	"session.resumed",
]);
/**
 * Records rollout need not wait to reach the disk: what a step's own work did already, a
 * command's process group (logged once the command runs) and an effect done. The next durable
 * record (the step's end at the latest) takes them to the disk; lost to a power cut before it,
 * the step reads as interrupted, as if the cut had come a moment earlier. Every other record is
 * on the disk before rollout acts on it or shows it: a step's start before its command runs, an
 * intent before the file it names is written, a result before the next step.
 */
function coveredByTheNext(event: SessionEvent): boolean {
	return event.type === "step.effect" || (event.type === "step.intent" && event.data.action === "run");
}

/** Inside a long step (a monitor watching for hours), session.json is still brought up to the log this often. */
const SNAPSHOT_LONG_STEP_MS = 30_000;
/** Writing session.json takes at most about 1/SNAPSHOT_COST_SHARE of the time, however large the state. */
const SNAPSHOT_COST_SHARE = 50;

/** Folders of sessions whose creator was killed before the first event was in place. */
function removeAbandonedCreations(sessionsDir: string): void {
	for (const name of readdirSync(sessionsDir)) {
		if (!name.startsWith(CREATING)) continue;
		const pid = Number(/^(\d+)-/.exec(name.slice(CREATING.length))?.[1]);
		if (pid && pid !== process.pid && processAlive(pid)) continue;
		rmSync(join(sessionsDir, name), { recursive: true, force: true });
	}
}

function processAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === "EPERM";
	}
}

/** Files outside the session that its steps write atomically: flag files and restored backups. */
function filesWritten(records: readonly SessionRecord[]): string[] {
	const files = new Set<string>();
	for (const record of records) {
		if (record.type !== "step.intent") continue;
		const detail = record.data.detail as { file?: unknown; source?: unknown } | undefined;
		if (typeof detail?.file === "string") files.add(detail.file);
		if (typeof detail?.source === "string") files.add(detail.source);
	}
	return [...files];
}

/** Reads a snapshot, or undefined when it is missing or unreadable. */
export function readSnapshot(dir: string): Snapshot | undefined {
	try {
		const snapshot = JSON.parse(readFileSync(join(dir, SNAPSHOT_FILE), "utf8")) as Snapshot;
		return snapshot?.state && snapshot.anchor ? snapshot : undefined;
	} catch {
		return undefined;
	}
}
