import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { replay } from "../../source/session/anchors.js";
import type { SessionEvent, SessionRecord } from "../../source/session/events.js";
import { verifySession } from "../../source/session/inspect.js";
import { reduce } from "../../source/session/reduce.js";
import { readSnapshot, SessionStore } from "../../source/session/store.js";
import { startedEvent, steppingClock } from "../helpers/session.js";
import { tempDir } from "../helpers/temp.js";

const ID = "20261123-091500-long-ab12";

/** The records of a session of `steps` command steps run one after another, then a monitor with `readings` readings. */
function longLog(steps: number, readings: number): SessionRecord[] {
	const refs = Array.from({ length: steps + 1 }, (_, index) => ({
		id: index === steps ? "watch" : `step-${index}`,
		kind: index === steps ? "monitor" : "command",
		title: `Step ${index}`,
		phase: `phase-${Math.floor(index / 100)}`,
		critical: false,
	}));
	const started = startedEvent(ID);
	const events: SessionEvent[] = [{ ...started, data: { ...started.data, steps: refs } }];
	for (let index = 0; index < steps; index++) {
		const stepId = `step-${index}`;
		events.push(
			{ type: "step.started", data: { stepId, attempt: 1 } },
			{ type: "step.intent", data: { stepId, action: "run", detail: { command: "/bin/true" } } },
			{ type: "step.effect", data: { stepId, action: "run", result: { exitCode: 0 } } },
			{
				type: "step.finished",
				data: { stepId, status: "passed", evidence: { command: "/bin/true", exitCode: 0, tail: [] } },
			},
		);
	}
	events.push({ type: "step.started", data: { stepId: "watch", attempt: 1 } });
	for (let sample = 1; sample <= readings; sample++)
		events.push({ type: "monitor.reading", data: { stepId: "watch", sample, value: sample % 7 } });
	const start = Date.parse("2026-11-23T09:00:00Z");
	return events.map(
		(event, seq) =>
			({ ...event, seq, at: new Date(start + seq).toISOString(), prev: "", hash: "" }) as SessionRecord,
	);
}

/** The fastest of a few replays, in milliseconds. */
function replayTime(records: readonly SessionRecord[]): number {
	let best = Number.POSITIVE_INFINITY;
	for (let run = 0; run < 5; run++) {
		const started = performance.now();
		replay(records);
		best = Math.min(best, performance.now() - started);
	}
	return best;
}

describe("a long session", () => {
	it("replays in time that grows with the log, not with its square", () => {
		const small = longLog(500, 2_000);
		const large = longLog(2_000, 8_000);
		replayTime(small);
		const ratio = replayTime(large) / replayTime(small);
		// Four times the events: about four times the time; copying the state per event gives about sixteen.
		expect(ratio).toBeLessThan(9);
		const state = replay(large);
		expect(state?.results["step-1999"]?.status).toBe("passed");
		expect(state?.results.watch?.readings).toHaveLength(8_000);
	});

	it("reduce still leaves the state it is given as it was", () => {
		const records = longLog(2, 3);
		const before = replay(records.slice(0, -1));
		if (!before) throw new Error("no state");
		const copy = JSON.parse(JSON.stringify(before));
		const after = reduce(
			before,
			{ type: "monitor.reading", data: { stepId: "watch", sample: 9, value: 1 } },
			"t",
		);
		const finished = reduce(
			after,
			{ type: "step.finished", data: { stepId: "watch", status: "passed" } },
			"t",
		);
		expect(JSON.parse(JSON.stringify(before))).toEqual(copy);
		expect(after.results.watch?.readings).toHaveLength(3);
		expect(after.results.watch?.status).toBe("running");
		expect(finished.results.watch?.status).toBe("passed");
	});

	it("does not rewrite session.json for every event inside a step; closing brings it up to the log", async () => {
		const sessions = tempDir();
		const store = await SessionStore.create(sessions, ID, startedEvent(ID), { now: steppingClock() });
		const dir = join(sessions, ID);
		store.append({ type: "step.started", data: { stepId: "tests", attempt: 1 } });
		for (let sample = 1; sample <= 200; sample++)
			store.append({ type: "monitor.reading", data: { stepId: "tests", sample, value: sample } });
		// Written when the session was created; 201 events inside one step later, still that one.
		expect(readSnapshot(dir)?.anchor.events).toBe(1);
		await store.close();
		const snapshot = readSnapshot(dir);
		expect(snapshot?.anchor.events).toBe(202);
		expect(snapshot?.state.results.tests?.readings).toHaveLength(200);
		const lines = readFileSync(join(dir, "events.jsonl"), "utf8").trimEnd().split("\n");
		expect(snapshot?.anchor.head).toBe(JSON.parse(lines.at(-1) ?? "").hash);
		expect(verifySession(dir)).toMatchObject({ ok: true, events: 202 });
	});
});
