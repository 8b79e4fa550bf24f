import { closeSync, fstatSync, openSync, readFileSync, readSync } from "node:fs";
import { join } from "node:path";
import { canonicalJson, sha256 } from "./canonical.js";
import type { SessionRecord } from "./events.js";
import { apply, replay, type SessionState } from "./reduce.js";

export { replay } from "./reduce.js";

const LOG_FILE = "events.jsonl";
const SNAPSHOT_FILE = "session.json";
const SIGNOFF_FILE = "signoff.json";

/** The head of the log when a file was written: a log shorter than it lost records, one whose hash there differs was rewritten. */
export interface Anchor {
	readonly events: number;
	readonly head: string;
}

/** What checking the files written from the log found, and the state the whole log gives. */
export interface LogCheck {
	/** The first disagreement, phrased for the operator; undefined when all agree. */
	readonly problem?: string;
	readonly state: SessionState | undefined;
	/** Whether session.json holds the state of the whole log, as it stands. */
	readonly snapshotCurrent: boolean;
}

/**
 * Checks the files written from the log against the log itself: session.json's and the sign-off
 * record's anchors, and session.json's state against the state replayed from the same records.
 * One pass over the log: the state is compared when the replay reaches session.json's anchor.
 */
export function checkAgainstLog(dir: string, records: readonly SessionRecord[], notes?: string[]): LogCheck {
	const logPath = join(dir, LOG_FILE);
	const quick = new QuickCheck(dir);
	for (const [index, record] of records.entries()) quick.visit(record, index);
	const held = quick.finish(records.length);
	if (held) return held;
	const snapshot = parseJson(readText(join(dir, SNAPSHOT_FILE))) as
		| { state?: unknown; anchor?: Anchor; format?: string }
		| undefined;
	for (const [name, anchor] of [
		[SNAPSHOT_FILE, snapshot?.anchor],
		[SIGNOFF_FILE, quick.audit],
	] as const) {
		if (!anchor || typeof anchor.events !== "number") continue;
		if (anchor.events > records.length) {
			return {
				problem: `${logPath}: the log has ${records.length} events but ${name} recorded ${anchor.events}: records were lost from the end`,
				state: replay(records),
				snapshotCurrent: false,
			};
		}
		if (records[anchor.events - 1]?.hash !== anchor.head) {
			return {
				problem: `${logPath}:${anchor.events}: the hash differs from the head recorded in ${name}: the log was rewritten`,
				state: replay(records),
				snapshotCurrent: false,
			};
		}
	}
	const compared = snapshot?.anchor && snapshot.state && typeof snapshot.state === "object";
	const at = compared ? (snapshot.anchor?.events ?? 0) : -1;
	let problem: string | undefined;
	let state: SessionState | undefined;
	let current = false;
	for (let index = 0; index <= records.length; index++) {
		if (index === at) ({ problem, current } = compareSnapshot(dir, snapshot, state, notes));
		const record = records[index];
		if (record) state = apply(state, record, record.at);
	}
	return { problem, state, snapshotCurrent: current && at === records.length };
}

/**
 * The common case, settled while the log is read and without parsing session.json: its text
 * is exactly what rollout writes for the state the log gives at its anchor, and the sign-off
 * record's anchor holds. Visit each record in order, then `finish`: undefined when the files do
 * not simply agree (an older layout, an edit, records lost): `checkAgainstLog` then says what differs.
 */
export class QuickCheck {
	/** The sign-off record's audit anchor, if there is a record. */
	readonly audit: Anchor | undefined;
	private readonly snapshotPath: string;
	private readonly anchor: Anchor | undefined;
	private state: SessionState | undefined;
	private anchorHash: string | undefined;
	private auditHash: string | undefined;
	private same = false;

	constructor(dir: string) {
		this.snapshotPath = join(dir, SNAPSHOT_FILE);
		const head = readPart(this.snapshotPath, 200, "start");
		this.anchor = head === undefined ? undefined : leadingAnchor(head);
		this.audit = signoffAnchor(join(dir, SIGNOFF_FILE));
	}

	visit(record: SessionRecord, index: number): void {
		if (index === this.anchor?.events) this.same = this.holds();
		this.state = apply(this.state, record, record.at);
		if (index === (this.anchor?.events ?? 0) - 1) this.anchorHash = record.hash;
		if (index === (this.audit?.events ?? 0) - 1) this.auditHash = record.hash;
	}

	/** The state of the whole log and whether session.json holds all of it, when all agree. */
	finish(count: number): LogCheck | undefined {
		const { anchor, audit } = this;
		if (!anchor || anchor.events > count || this.anchorHash !== anchor.head) return undefined;
		if (audit && this.auditHash !== audit.head) return undefined;
		if (anchor.events === count) this.same = this.holds();
		return this.same ? { state: this.state, snapshotCurrent: anchor.events === count } : undefined;
	}

	private holds(): boolean {
		const { anchor, state } = this;
		return !!anchor && !!state && fileHolds(this.snapshotPath, snapshotText(state, anchor));
	}
}

/** session.json's state against the state the log gives at its anchor; `current` when it agrees and has this version's shape. */
function compareSnapshot(
	dir: string,
	snapshot: { state?: unknown; format?: string } | undefined,
	replayed: SessionState | undefined,
	notes?: string[],
): { problem?: string; current: boolean } {
	const written = snapshot?.state as Record<string, unknown>;
	const derived = (replayed ?? {}) as unknown as Record<string, unknown>;
	// Fields a version of rollout with another state shape wrote, or lacks, are compared only
	// when session.json says it has this version's shape (its format is the hash of its fields).
	const sameShape = snapshot?.format !== undefined && snapshot.format === stateFormat(derived);
	if (!sameShape && snapshot?.format !== undefined && snapshot.format !== stateFormat(written)) {
		return {
			problem: `${join(dir, SNAPSHOT_FILE)}: its fields do not match the format it was written in (it was edited)`,
			current: false,
		};
	}
	const differ = differingFields(written, derived, sameShape);
	if (differ.length > 0) {
		return {
			problem: `${join(dir, SNAPSHOT_FILE)}: ${differ.join(", ")} ${differ.length === 1 ? "differs" : "differ"} from the state the log gives (it was edited)`,
			current: false,
		};
	}
	if (!sameShape) {
		notes?.push(
			`${join(dir, SNAPSHOT_FILE)} was written by a version of rollout with another state shape: compared on the fields both have`,
		);
	}
	return { current: sameShape };
}

/**
 * session.json as rollout writes it: the anchor first, then the state's format and the state,
 * as plain JSON of the state replay gives. So the text of a snapshot that agrees with the log
 * is known from the log alone, and checking it needs no parsing.
 */
export function snapshotText(state: SessionState, anchor: Anchor): string {
	return `${JSON.stringify({ anchor: { events: anchor.events, head: anchor.head }, format: stateFormat(state), state })}\n`;
}

/** The anchor at the head of session.json's text, read without parsing the whole file. */
function leadingAnchor(text: string): Anchor | undefined {
	const match = /^\{"anchor":\{"events":(\d+),"head":"([0-9a-f]{64})"\}/.exec(text.slice(0, 200));
	return match?.[1] && match[2] ? { events: Number(match[1]), head: match[2] } : undefined;
}

/** A short hash of a state's top-level field names: which shape of state a snapshot holds. */
export function stateFormat(state: object): string {
	return sha256(Object.keys(state).sort().join(",")).slice(0, 16);
}

/**
 * Top-level fields whose values differ, with both sides' value when short; with `all`, also
 * fields only one side has.
 */
function differingFields(
	written: Record<string, unknown>,
	derived: Record<string, unknown>,
	all: boolean,
): string[] {
	const keys = [...new Set([...Object.keys(written), ...Object.keys(derived)])].sort();
	return keys
		.filter((key) => (key in written && key in derived) || all)
		.filter((key) => !sameValue(written[key], derived[key]))
		.map((key) => {
			const show = (side: Record<string, unknown>) => (key in side ? canonicalJson(side[key]) : "absent");
			const [a, b] = [show(written), show(derived)];
			return a.length + b.length <= 80 ? `${key} (${a} there, ${b} in the log)` : key;
		});
}

/**
 * Whether two JSON values are equal. A state written by rollout and read back keeps its key
 * order, so plain JSON text settles almost every comparison; canonical JSON settles the rest.
 */
function sameValue(a: unknown, b: unknown): boolean {
	return JSON.stringify(a) === JSON.stringify(b) || canonicalJson(a) === canonicalJson(b);
}

/** The sign-off record's audit anchor; read from the end of its text when it is where rollout writes it. */
function signoffAnchor(path: string): Anchor | undefined {
	const end = readPart(path, 300, "end");
	if (end === undefined) return undefined;
	const tail = /"audit": \{\s*"events": (\d+),\s*"head": "([0-9a-f]{64})"\s*\}\s*\}\s*$/.exec(end);
	if (tail?.[1] && tail[2]) return { events: Number(tail[1]), head: tail[2] };
	const audit = (parseJson(readText(path)) as { audit?: Anchor } | undefined)?.audit;
	return audit && typeof audit.events === "number" ? audit : undefined;
}

/** A file's first or last `size` bytes as text (a record can be megabytes; its anchor is at one end). */
function readPart(path: string, size: number, end: "start" | "end"): string | undefined {
	return withFile(path, (fd) => {
		const length = fstatSync(fd).size;
		const buffer = Buffer.alloc(Math.min(size, length));
		const read = readSync(fd, buffer, 0, buffer.length, end === "start" ? 0 : length - buffer.length);
		return buffer.toString("utf8", 0, read);
	});
}

/**
 * Whether a file holds exactly this text: the text is encoded and the file read a block at a
 * time into the same two buffers, so neither the file nor its text is ever whole in memory,
 * and no string is made (fresh memory for megabytes costs more than the reading).
 */
export function fileHolds(path: string, text: string): boolean {
	const holds = withFile(path, (fd) => {
		const size = fstatSync(fd).size;
		if (size !== Buffer.byteLength(text)) return false;
		const expected = Buffer.allocUnsafe(HOLDS_BLOCK * 3);
		const actual = Buffer.allocUnsafe(expected.length);
		let position = 0;
		for (let at = 0; at < text.length; ) {
			// A UTF-16 unit is at most 3 bytes of UTF-8; a surrogate pair is never cut in two.
			let end = Math.min(text.length, at + HOLDS_BLOCK);
			if (end < text.length && isHighSurrogate(text.charCodeAt(end - 1))) end--;
			const bytes = expected.write(text.slice(at, end));
			if (!readFully(fd, actual, bytes, position)) return false;
			if (expected.compare(actual, 0, bytes, 0, bytes) !== 0) return false;
			position += bytes;
			at = end;
		}
		return position === size;
	});
	return holds === true;
}

/** UTF-16 units per block of `fileHolds`. */
const HOLDS_BLOCK = 64 * 1024;

const isHighSurrogate = (unit: number) => unit >= 0xd800 && unit <= 0xdbff;

/** Reads `length` bytes at `position` into the start of `buffer`; false when the file ends first. */
function readFully(fd: number, buffer: Buffer, length: number, position: number): boolean {
	for (let filled = 0; filled < length; ) {
		const read = readSync(fd, buffer, filled, length - filled, position + filled);
		if (read === 0) return false;
		filled += read;
	}
	return true;
}

/** What `read` makes of the file, open for reading; undefined when it cannot be opened. */
function withFile<T>(path: string, read: (fd: number) => T): T | undefined {
	let fd: number;
	try {
		fd = openSync(path, "r");
	} catch {
		return undefined;
	}
	try {
		return read(fd);
	} finally {
		closeSync(fd);
	}
}

function readText(path: string): string | undefined {
	try {
		return readFileSync(path, "utf8");
	} catch {
		return undefined;
	}
}

function parseJson(text: string | undefined): unknown {
	try {
		return text === undefined ? undefined : JSON.parse(text);
	} catch {
		return undefined;
	}
}
