import { readFileSync } from "node:fs";
import { join } from "node:path";
import { canonicalJson, sha256 } from "./canonical.js";
import type { SessionRecord } from "./events.js";
import { reduce, type SessionState } from "./reduce.js";

const LOG_FILE = "events.jsonl";
const SNAPSHOT_FILE = "session.json";
const SIGNOFF_FILE = "signoff.json";

/** The head of the log when a file was written: a log shorter than it lost records, one whose hash there differs was rewritten. */
export interface Anchor {
	readonly events: number;
	readonly head: string;
}

/**
 * Checks the files written from the log against the log itself: session.json's and the sign-off
 * record's anchors, and session.json's state against the state replayed from the same records.
 * Returns the first disagreement, phrased for the operator; undefined when all agree.
 */
export function checkAgainstLog(
	dir: string,
	records: readonly SessionRecord[],
	notes?: string[],
): string | undefined {
	const logPath = join(dir, LOG_FILE);
	const snapshot = readJson(join(dir, SNAPSHOT_FILE)) as
		| { state?: unknown; anchor?: Anchor; format?: string }
		| undefined;
	const audit = (readJson(join(dir, SIGNOFF_FILE)) as { audit?: Anchor } | undefined)?.audit;
	for (const [name, anchor] of [
		[SNAPSHOT_FILE, snapshot?.anchor],
		[SIGNOFF_FILE, audit],
	] as const) {
		if (!anchor || typeof anchor.events !== "number") continue;
		if (anchor.events > records.length) {
			return `${logPath}: the log has ${records.length} events but ${name} recorded ${anchor.events}: records were lost from the end`;
		}
		if (records[anchor.events - 1]?.hash !== anchor.head) {
			return `${logPath}:${anchor.events}: the hash differs from the head recorded in ${name}: the log was rewritten`;
		}
	}
	if (snapshot?.anchor && snapshot.state && typeof snapshot.state === "object") {
		const written = snapshot.state as Record<string, unknown>;
		const replayed = (replay(records.slice(0, snapshot.anchor.events)) ?? {}) as Record<string, unknown>;
		// Fields a version of rollout with another state shape wrote, or lacks, are compared only
		// when session.json says it has this version's shape (its format is the hash of its fields).
		const sameShape = snapshot.format !== undefined && snapshot.format === stateFormat(replayed);
		if (!sameShape && snapshot.format !== undefined && snapshot.format !== stateFormat(written)) {
			return `${join(dir, SNAPSHOT_FILE)}: its fields do not match the format it was written in (it was edited)`;
		}
		const differ = differingFields(written, replayed, sameShape);
		if (differ.length > 0) {
			return `${join(dir, SNAPSHOT_FILE)}: ${differ.join(", ")} ${differ.length === 1 ? "differs" : "differ"} from the state the log gives (it was edited)`;
		}
		if (!sameShape) {
			notes?.push(
				`${join(dir, SNAPSHOT_FILE)} was written by a version of rollout with another state shape: compared on the fields both have`,
			);
		}
	}
	return undefined;
}

/** A short hash of a state's top-level field names: which shape of state a snapshot holds. */
export function stateFormat(state: object): string {
	return sha256(Object.keys(state).sort().join(",")).slice(0, 16);
}

/** The state a list of records gives. */
export function replay(records: readonly SessionRecord[]): SessionState | undefined {
	return records.reduce<SessionState | undefined>(
		(state, record) => reduce(state, record, record.at),
		undefined,
	);
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
		.filter((key) => canonicalJson(written[key]) !== canonicalJson(derived[key]))
		.map((key) => {
			const show = (side: Record<string, unknown>) => (key in side ? canonicalJson(side[key]) : "absent");
			const [a, b] = [show(written), show(derived)];
			return a.length + b.length <= 80 ? `${key} (${a} there, ${b} in the log)` : key;
		});
}

function readJson(path: string): unknown {
	try {
		return JSON.parse(readFileSync(path, "utf8"));
	} catch {
		return undefined;
	}
}
