import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultEffects, Engine } from "../../source/engine/engine.js";
import { readSessionData } from "../../source/report/session-data.js";
import { writeExport } from "../../source/report/write.js";
import type { Clock } from "../../source/steps/context.js";
import { tempDir } from "../helpers/temp.js";

/** A clock whose sleeps pass at once: a ten-minute watch takes no time, and readings carry its times. */
function virtualClock(start = Date.parse("2026-11-23T09:00:00Z")): Clock {
	let now = start;
	return {
		now: () => new Date(now),
		sleep: async (ms, signal) => {
			if (!signal?.aborted) now += ms;
		},
	};
}

/** A command that prints the next of these values at each reading. */
function sequence(dir: string, values: readonly number[]): string {
	writeFileSync(join(dir, "values"), `${values.join("\n")}\n`);
	writeFileSync(join(dir, "count"), "0");
	writeFileSync(
		join(dir, "next.sh"),
		'n=$(( $(cat count) + 1 )); echo "$n" > count; sed -n "${n}p" values\n',
	);
	return `sh ${join(dir, "next.sh")}`;
}

/** Starts a session of these steps (YAML) in a temp folder with a virtual clock. */
async function session(stepsYaml: string, values: readonly number[] = []) {
	const dir = tempDir();
	const next = sequence(dir, values);
	const file = join(dir, "checklist.yaml");
	writeFileSync(
		file,
		`id: alerts-test\ntitle: Alerts test\nphases:\n  - id: watch\n    title: Watch\n    steps:\n${stepsYaml
			.replaceAll("NEXT", next)
			.trim()
			.split("\n")
			.map((line) => `      ${line}`)
			.join("\n")}\n      - { id: decision, kind: decision, title: Decide }\n`,
	);
	const engine = await Engine.start({
		checklistPath: file,
		operator: "t",
		sessionsDir: join(dir, "sessions"),
		baseDir: dir,
		effects: { ...defaultEffects(), clock: virtualClock() },
	});
	return { engine, dir };
}

async function runAll(engine: Engine, output?: string[]) {
	const outcomes = [];
	for (const { step } of engine.steps) {
		if (step.kind === "decision") break;
		outcomes.push(await engine.run(step.id, { onOutput: (block) => output?.push(block) }));
	}
	return outcomes;
}

describe("sustained conditions", () => {
	it("breaches only when the level holds for N consecutive readings; a reading below it starts the count again", async () => {
		const { engine } = await session(
			`
- id: error-rate
  kind: monitor
  title: Error rate (%)
  source: { command: "NEXT" }
  samples: 8
  interval: 1m
  critical: "> 1"
  sustained: 3 readings
  onCritical: rollback`,
			[2, 2, 0.5, 2, 2, 2, 0.1, 0.1],
		);
		const [outcome] = await runAll(engine);
		expect(outcome?.status).toBe("failed");
		expect(outcome?.reason).toBe("2 breached the critical level > 1 for 3 readings: roll back");
		expect(engine.state.results["error-rate"]?.readings?.map((reading) => reading.value)).toEqual([
			2, 2, 0.5, 2, 2, 2,
		]);
		expect(engine.state.results["error-rate"]?.readings?.map((reading) => reading.level)).toEqual([
			undefined,
			undefined,
			undefined,
			undefined,
			undefined,
			"critical",
		]);
		await engine.close();
	});

	it("breaches when the level holds for a duration (seed: error rate > 1 % sustained for 10 minutes)", async () => {
		const SUSTAINED = `
- id: error-rate
  kind: monitor
  title: Error rate (%)
  source: { command: "NEXT" }
  samples: 12
  interval: 1m
  critical: "> 1"
  sustained: 10m
  onCritical: rollback`;
		const held = await session(SUSTAINED, [0.2, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.6]);
		const [breach] = await runAll(held.engine);
		expect(breach?.reason).toBe("1.6 breached the critical level > 1 for 10m: roll back");
		expect(held.engine.state.results["error-rate"]?.readings).toHaveLength(12);
		await held.engine.close();

		// Nine bad minutes, a good one, then more bad ones: never ten minutes without a break.
		const broken = await session(SUSTAINED, [1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 0.4, 1.5, 1.5]);
		const [calm] = await runAll(broken.engine);
		expect(calm?.status).toBe("passed");
		expect(calm?.summary).toBe("error-rate: ok — 1.5 (critical > 1 for 10m), 12 samples");
		await broken.engine.close();
	});
});

describe("baselines", () => {
	const BASELINE = `
- id: baseline-memory
  kind: command
  title: Memory before the rollout
  run: echo "memory_mb=512"
  expect:
    parse: regex
    regex: { pattern: 'memory_mb=(?<memory_mb>\\d+)' }`;

	it("judges a reading against a figure recorded earlier: an amount over it, or a percentage", async () => {
		const { engine } = await session(
			`${BASELINE}
- id: memory-increase
  kind: monitor
  title: Memory (MB), < 100 MB increase vs baseline
  source: { command: "NEXT" }
  samples: 2
  interval: 1m
  baseline: { step: baseline-memory, metric: memory_mb }
  warn: "> baseline + 10%"
  critical: "> baseline + 100"`,
			[570, 640],
		);
		const [, outcome] = await runAll(engine);
		expect(outcome?.status).toBe("failed");
		expect(outcome?.reason).toBe("640 breached the critical level > baseline + 100 (= 612)");
		expect(outcome?.summary).toBe(
			"memory-increase: critical — 640 (warn > baseline + 10% (= 563.2), critical > baseline + 100 (= 612)), 2 samples, baseline 512",
		);
		expect(engine.state.results["memory-increase"]?.evidence).toMatchObject({
			baseline: { step: "baseline-memory", metric: "memory_mb", value: 512 },
			levels: { warn: 563.2, critical: 612 },
		});
		await engine.close();
	});

	it("no increase in errors: lines of a real log counted now against the count recorded before", async () => {
		const { engine, dir } = await session(
			`
- id: baseline-error-lines
  kind: command
  title: Error lines before the rollout
  run: grep -ci error LOG
  expect:
    parse: regex
    regex: { pattern: '(?<error_lines>\\d+)' }
- id: error-lines
  kind: monitor
  title: No increase in errors
  source: { log: { file: LOG, pattern: "(?i)error" } }
  baseline: { step: baseline-error-lines, metric: error_lines }
  critical: "> baseline"
  onCritical: continue`.replaceAll("LOG", "victor.log"),
		);
		const log = join(dir, "victor.log");
		writeFileSync(log, "2026-11-23 08:00:00,000 ERROR one\n2026-11-23 08:01:00,000 INFO fine\n");
		await engine.run("baseline-error-lines");
		writeFileSync(log, "2026-11-23 09:30:00,000 ERROR two\n", { flag: "a" });
		const outcome = await engine.run("error-lines");
		expect(outcome.summary).toBe(
			"error-lines: critical — 2 (critical > baseline (= 1)), 1 sample, baseline 1",
		);
		await engine.close();
	});

	it("fails with the reason when the baseline was never recorded", async () => {
		const { engine } = await session(
			`${BASELINE}
- id: errors-vs-baseline
  kind: monitor
  title: No increase in errors
  source: { command: "NEXT" }
  baseline: { step: baseline-memory, metric: memory_mb }
  critical: "> baseline"`,
			[3],
		);
		engine.skip("baseline-memory", "not measured today");
		const outcome = await engine.run("errors-vs-baseline");
		expect(outcome.status).toBe("failed");
		expect(outcome.reason).toBe("no baseline: baseline-memory (skipped) recorded no memory_mb");
		await engine.close();
	});
});

describe("alert tiers with actions", () => {
	it("notifies at the warning tier (printed and recorded), and the page tier rolls back once sustained", async () => {
		const output: string[] = [];
		const { engine } = await session(
			`
- id: error-rate
  kind: monitor
  title: Error rate (%)
  source: { command: "NEXT" }
  samples: 6
  interval: 1m
  alerts:
    - { level: warning, when: "> 0.5", action: notify }
    - { level: critical, when: "> 1", action: notify }
    - { level: page, when: "> 1", for: 2 readings, action: rollback }`,
			[0.3, 0.7, 1.5, 1.8, 0.2, 0.2],
		);
		const [outcome] = await runAll(engine, output);
		expect(outcome?.reason).toBe("1.8 breached the page level > 1 for 2 readings: roll back");
		const evidence = engine.state.results["error-rate"]?.evidence as Record<string, unknown>;
		expect(evidence.alerts).toEqual([
			"09:01:00 warn > 0.5: 0.7 → notify",
			"09:02:00 critical > 1: 1.5 → notify",
			"09:03:00 page > 1 for 2 readings: 1.8 → rollback",
		]);
		expect(evidence.monitor).toMatchObject({
			outcome: "critical",
			level: "page",
			action: "rollback",
			onCritical: "rollback",
		});
		expect(output.join("")).toContain("ALERT error-rate: 09:01:00 warn > 0.5: 0.7 → notify");
		expect(engine.rollbackPlan().fired).toMatch(/^error-rate: page — 1.8/);
		await engine.close();
		const written = writeExport(engine.dir, readSessionData(engine.dir), "md");
		const record = readFileSync(written, "utf8");
		expect(record).toContain("alert 09:01:00 warn > 0.5: 0.7 → notify");
		expect(record).toContain("alert 09:03:00 page > 1 for 2 readings: 1.8 → rollback");
	});

	it("schedules the rollback at a deadline: the step fails with the due time and the decision is NO-GO", async () => {
		const { engine } = await session(
			`
- id: chat-latency-increase
  kind: monitor
  title: Chat latency increase vs legacy (%)
  source: { command: "NEXT" }
  samples: 3
  interval: 1m
  alerts:
    - { level: warning, when: ">= 10" }
    - { level: critical, when: "> 15", action: schedule-rollback, within: 24h }`,
			[12, 17, 3],
		);
		const [outcome] = await runAll(engine);
		expect(outcome?.status).toBe("failed");
		expect(outcome?.reason).toBe(
			"17 breached the critical level > 15: rollback scheduled for 2026-11-24 09:01 UTC",
		);
		const verdict = (
			engine.state.results["chat-latency-increase"]?.evidence as { monitor: Record<string, unknown> }
		).monitor;
		expect(verdict).toMatchObject({ action: "schedule-rollback", rollbackDueAt: "2026-11-24T09:01:00.000Z" });
		const decision = engine.decide("decision");
		expect(decision.outcome).toBe("NO-GO");
		expect(decision.reasons.join("\n")).toContain("rollback scheduled for 2026-11-24 09:01 UTC");
		await engine.close();
	});

	it("a warning tier can call for the rollback too: the plan names it as the trigger", async () => {
		const { engine } = await session(
			`
- id: uptime
  kind: monitor
  title: Uptime (%)
  source: { command: "NEXT" }
  alerts:
    - { level: warning, when: "<= 99", action: rollback }
    - { level: critical, when: "< 95", action: rollback }`,
			[98],
		);
		const [outcome] = await runAll(engine);
		expect(outcome?.reason).toBe("98 breached the warning level <= 99: roll back");
		expect(engine.rollbackPlan().fired).toBe("uptime: warned — 98 (warn <= 99, critical < 95), 1 sample");
		await engine.close();
	});

	it("an alert tier with only notify actions never blocks: the breach becomes a condition of the decision", async () => {
		const { engine } = await session(
			`
- id: downtime
  kind: monitor
  title: System downtime (minutes)
  source: { command: "NEXT" }
  alerts:
    - { level: page, when: "> 5", action: notify }`,
			[7],
		);
		const [outcome] = await runAll(engine);
		expect(outcome?.status).toBe("passed");
		expect(outcome?.summary).toBe("downtime: page — 7 (page > 5), 1 sample");
		const decision = engine.decide("decision");
		expect(decision.outcome).toBe("GO WITH CONDITIONS");
		expect(decision.conditions[0]).toMatch(/^monitor downtime breached its critical level/);
		await engine.close();
	});
});
