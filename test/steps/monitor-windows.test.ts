import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultEffects, Engine } from "../../source/engine/engine.js";
import { openWindowsOf } from "../../source/report/open-windows.js";
import { readSessionData } from "../../source/report/session-data.js";
import type { Clock } from "../../source/steps/context.js";
import { tempDir } from "../helpers/temp.js";

/** A virtual clock shared by every engine of a test: sleeps pass at once; `jump` is the operator away. */
function virtualClock(start = Date.parse("2026-11-23T09:00:00Z")) {
	let now = start;
	const clock: Clock = {
		now: () => new Date(now),
		sleep: async (ms, signal) => {
			if (!signal?.aborted) now += ms;
		},
	};
	return { clock, jump: (ms: number) => (now += ms), now: () => new Date(now) };
}

const WINDOW = `id: window-test
title: Window test
phases:
  - id: watch
    title: Watch
    steps:
      - id: error-rate-window
        kind: monitor
        title: Error rate over the observation window (%)
        source: { jsonl: { file: events.jsonl, aggregate: ratio, match: { success: false } } }
        window: 30m
        interval: 1m
        checkpoints: [10m, 20m, 30m]
        alerts:
          - { level: warning, when: "> 20" }
      - { id: decision, kind: decision, title: Go / No-Go }
`;

async function setup() {
	const dir = tempDir();
	writeFileSync(join(dir, "checklist.yaml"), WINDOW);
	writeFileSync(join(dir, "events.jsonl"), `${JSON.stringify({ success: true })}\n`);
	const time = virtualClock();
	const effects = { ...defaultEffects(), clock: time.clock };
	const engine = await Engine.start({
		checklistPath: join(dir, "checklist.yaml"),
		operator: "t",
		sessionsDir: join(dir, "sessions"),
		baseDir: dir,
		effects,
	});
	return { dir, engine, time, effects };
}

describe("observation windows with checkpoints", () => {
	it("takes a reading each interval across the window and judges each checkpoint's span", async () => {
		const { engine } = await setup();
		const output: string[] = [];
		const outcome = await engine.run("error-rate-window", {
			onOutput: (block) => output.push(block),
		});
		expect(engine.state.results["error-rate-window"]?.readings).toHaveLength(31);
		expect(outcome.status).toBe("passed");
		const evidence = engine.state.results["error-rate-window"]?.evidence as { checkpoints: string[] };
		expect(evidence.checkpoints).toEqual([
			"0–10m: ok — 11 readings, 0–0",
			"10–20m: ok — 10 readings, 0–0",
			"20–30m: ok — 10 readings, 0–0",
		]);
		expect(output.join("")).toContain("CHECKPOINT error-rate-window: 0–10m: ok — 11 readings, 0–0");
		await engine.close();
	});

	it("can be left and resumed: the decision waits for it, rollout due says when, and the window ends on time", async () => {
		const { dir, engine, time, effects } = await setup();
		const controller = new AbortController();
		let sleeps = 0;
		// The operator leaves after twelve readings (Ctrl+C during the twelfth wait).
		const leaving = {
			...effects,
			clock: {
				now: effects.clock.now,
				sleep: async (ms: number, signal?: AbortSignal) => {
					if (++sleeps === 12) controller.abort();
					else await effects.clock.sleep(ms, signal);
				},
			},
		};
		const sessionsDir = join(dir, "sessions");
		await engine.close();
		const first = await Engine.resume({ sessionsDir, id: engine.id, effects: leaving });
		const left = await first.run("error-rate-window", { signal: controller.signal });
		expect(left.status).toBe("interrupted");
		expect(first.state.results["error-rate-window"]?.readings).toHaveLength(12);
		expect(() => first.decide("decision")).toThrow(
			"the decision waits for the observation window error-rate-window (12 reading(s), next checkpoint 2026-11-23 09:20 UTC, ends 2026-11-23 09:30 UTC): resume the watch, or skip it with a reason",
		);
		await first.close();

		const due = openWindowsOf(readSessionData(join(sessionsDir, engine.id)), time.now());
		expect(due).toEqual([
			{
				kind: "window",
				sessionId: engine.id,
				stepId: "error-rate-window",
				detail:
					"error-rate-window (12 reading(s), next checkpoint 2026-11-23 09:20 UTC, ends 2026-11-23 09:30 UTC)",
				dueAt: "2026-11-23T09:20:00.000Z",
				status: "due",
			},
		]);

		// Eight minutes away; the window still ends 30 minutes after its first reading.
		time.jump(8 * 60_000);
		const back = await Engine.resume({ sessionsDir, id: engine.id, effects });
		const done = await back.run("error-rate-window");
		expect(done.status).toBe("passed");
		const readings = back.state.results["error-rate-window"]?.readings ?? [];
		expect(readings).toHaveLength(24);
		expect(readings.at(-1)?.at).toBe("2026-11-23T09:30:00.000Z");
		expect(
			(back.state.results["error-rate-window"]?.evidence as { checkpoints: string[] }).checkpoints,
		).toEqual([
			"0–10m: ok — 11 readings, 0–0",
			"10–20m: ok — 3 readings, 0–0",
			"20–30m: ok — 10 readings, 0–0",
		]);
		expect(back.decide("decision").outcome).toBe("GO");
		await back.close();
		expect(openWindowsOf(readSessionData(join(sessionsDir, engine.id)), time.now())).toEqual([]);
	});
});
