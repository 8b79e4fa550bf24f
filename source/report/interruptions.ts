import type { SessionRecord } from "../session/events.js";

/** A time the session's process stopped, and when (and where) it was taken up again. */
export interface Interruption {
	/** The last record the stopped process wrote. */
	readonly stoppedAt: string;
	/** True when that process closed the session; false when it was killed, crashed or lost its terminal. */
	readonly clean: boolean;
	/** Why it closed, as recorded; absent after an unclean end. */
	readonly reason?: string;
	readonly resumedAt?: string;
	readonly host?: string;
	/** Steps that were running when it stopped, recorded as interrupted. */
	readonly steps: readonly string[];
}

/** A step's own interruption: when it was cut off and why. */
export interface StepInterruption {
	readonly at: string;
	readonly reason: string;
	/** When the session was taken up again after it. */
	resumedAt?: string;
}

/**
 * Every stop and resume of a session, and every step that was cut off, read in one pass
 * over the log: only `events.jsonl` knows them, the state keeps just the count.
 */
export function interruptionsOf(records: readonly SessionRecord[]): {
	readonly interruptions: readonly Interruption[];
	readonly byStep: ReadonlyMap<string, readonly StepInterruption[]>;
} {
	const interruptions: Interruption[] = [];
	const byStep = new Map<string, StepInterruption[]>();
	let closed: { at: string; reason: string } | undefined;
	let cut: string[] = [];
	let open: StepInterruption[] = [];
	for (let index = 0; index < records.length; index++) {
		const record = records[index] as SessionRecord;
		if (record.type === "session.closed") closed = { at: record.at, reason: record.data.reason };
		else if (record.type === "step.interrupted") {
			const list = byStep.get(record.data.stepId) ?? [];
			const entry: StepInterruption = { at: record.at, reason: record.data.reason };
			list.push(entry);
			open.push(entry);
			byStep.set(record.data.stepId, list);
			if (!cut.includes(record.data.stepId)) cut.push(record.data.stepId);
		} else if (record.type === "session.resumed") {
			const clean = !record.data.unclean && closed !== undefined;
			interruptions.push({
				// A resume after a crash first records the steps it found cut off: the process stopped before those.
				stoppedAt: clean ? (closed?.at ?? record.at) : lastBeforeRecovery(records, index),
				clean,
				reason: clean ? closed?.reason : undefined,
				resumedAt: record.at,
				host: record.data.host,
				steps: cut,
			});
			for (const entry of open) entry.resumedAt = record.at;
			closed = undefined;
			cut = [];
			open = [];
		}
	}
	if (cut.length > 0 && closed)
		interruptions.push({ stoppedAt: closed.at, clean: true, reason: closed.reason, steps: cut });
	return { interruptions, byStep };
}

/** The time of the last record before a resume's recovery (the steps it marked interrupted, their abandoned effects). */
function lastBeforeRecovery(records: readonly SessionRecord[], resumed: number): string {
	let index = resumed - 1;
	for (; index > 0; index--) {
		const record = records[index];
		const recovery =
			record?.type === "step.interrupted" ||
			(record?.type === "step.effect" && (record.data.result as { abandoned?: boolean })?.abandoned === true);
		if (!recovery) break;
	}
	return records[index]?.at ?? records[resumed]?.at ?? "";
}
