import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkAgainstLog, replay, snapshotText } from "../../source/session/anchors.js";
import type { SessionEvent, SessionRecord } from "../../source/session/events.js";
import { verifySession } from "../../source/session/inspect.js";
import { readLog } from "../../source/session/log.js";
import { apply, reduce } from "../../source/session/reduce.js";
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

describe("a long session", () => {
	it("replays without copying the state per event, nor a monitor's readings per reading", () => {
		const records = longLog(2_000, 5_000);
		const [first, ...rest] = records;
		if (!first) throw new Error("no records");
		const state = apply(undefined, first, first.at);
		const { results } = state;
		let early: readonly unknown[] | undefined;
		for (const record of rest) {
			// One state for the whole replay, one map of results: nothing grows with the session per event.
			expect(apply(state, record, record.at)).toBe(state);
			expect(state.results).toBe(results);
			if (record.type === "monitor.reading" && record.data.sample === 10)
				early = state.results.watch?.readings;
		}
		// The list of readings is the one the first reading started: it grew in place.
		expect(state.results.watch?.readings).toBe(early);
		expect(state.results["step-1999"]?.status).toBe("passed");
		expect(state.results.watch?.readings).toHaveLength(5_000);
		expect(replay(records)).toEqual(state);
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

describe("session.json", () => {
	it("is, to the byte, what the log gives at its anchor: checked without parsing it", async () => {
		const sessions = tempDir();
		const store = await SessionStore.create(sessions, ID, startedEvent(ID), { now: steppingClock() });
		store.append({ type: "step.started", data: { stepId: "tests", attempt: 1 } });
		// Keys out of order and an undefined field: the log holds them sorted and without it.
		const evidence = { tail: [], exitCode: 0, signal: undefined, command: "make test" };
		store.append({ type: "step.finished", data: { stepId: "tests", status: "passed", evidence } });
		await store.close();
		const dir = join(sessions, ID);
		const { records } = readLog(join(dir, "events.jsonl"));
		const state = replay(records);
		if (!state) throw new Error("no state");
		const anchor = { events: records.length, head: records.at(-1)?.hash ?? "" };
		expect(readFileSync(join(dir, "session.json"), "utf8")).toBe(snapshotText(state, anchor));
		const check = checkAgainstLog(dir, records);
		expect(check.problem).toBeUndefined();
		expect(check.snapshotCurrent).toBe(true);
	});
});
