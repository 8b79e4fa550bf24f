import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sessionIds } from "../../source/session/ids.js";
import { BIN, ROOT, runCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/temp.js";

const SAMPLES = 400;

async function until(check: () => boolean, ms = 20_000): Promise<void> {
	const deadline = Date.now() + ms;
	while (!check()) {
		if (Date.now() > deadline) throw new Error("timed out waiting");
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}

type Reading = { seq: number; at: string; data: { sample: number; value?: number } };

function readings(sessions: string, id: string): Reading[] {
	return readFileSync(join(sessions, id, "events.jsonl"), "utf8")
		.split("\n")
		.filter((line) => line.includes('"monitor.reading"'))
		.map((line) => JSON.parse(line) as Reading);
}

describe("a long monitor killed with kill -9", () => {
	it("resumes with every reading it had recorded, and takes only the rest", async () => {
		const dir = tempDir();
		const sessions = join(dir, "sessions");
		writeFileSync(join(dir, "events.jsonl"), `${JSON.stringify({ topic: "chat", latency_ms: 40 })}\n`);
		const checklist = join(dir, "watch.yaml");
		writeFileSync(
			checklist,
			`id: long-watch
title: Long watch
phases:
  - id: watch
    title: Watch
    steps:
      - id: latency
        kind: monitor
        title: Chat latency (ms)
        source: { jsonl: { file: ${join(dir, "events.jsonl")}, field: latency_ms, aggregate: p95, where: { topic: chat } } }
        samples: ${SAMPLES}
        interval: 10ms
        critical: "> 500"
        sustained: 3 readings
        onCritical: rollback
      - { id: decision, kind: decision, title: Go / No-Go }
`,
		);
		const answers = join(dir, "answers.yaml");
		writeFileSync(answers, "operator: Dana Ops\nanswers: {}\n");
		const child = spawn(
			process.execPath,
			[BIN, "run", checklist, "--answers", answers, "--sessions-dir", sessions],
			{
				cwd: ROOT,
				stdio: ["ignore", "pipe", "pipe"],
			},
		);
		const exit = new Promise((resolve) => child.on("exit", resolve));
		await until(() => sessionIds(sessions).length > 0);
		const [id = ""] = sessionIds(sessions);
		await until(() => readings(sessions, id).length >= 60);
		child.kill("SIGKILL");
		await exit;
		const before = readings(sessions, id);
		expect(before.length).toBeGreaterThanOrEqual(60);
		expect(before.length).toBeLessThan(SAMPLES);
		expect(runCli(["verify", id, "--sessions-dir", sessions]).code).toBe(0);

		const resumed = runCli(["resume", id, "--answers", answers, "--sessions-dir", sessions]);
		expect(resumed.code, resumed.stderr).toBe(0);
		expect(resumed.stdout).toContain("decision: GO");
		const after = readings(sessions, id);
		// The readings before the kill are still there, unchanged, and the watch went on after them.
		expect(after.slice(0, before.length)).toEqual(before);
		expect(after).toHaveLength(SAMPLES);
		expect(after.map((reading) => reading.data.sample)).toEqual(
			Array.from({ length: SAMPLES }, (_, index) => index + 1),
		);
		const state = JSON.parse(readFileSync(join(sessions, id, "session.json"), "utf8")).state;
		expect(state.results.latency.status).toBe("passed");
		expect(state.results.latency.readings).toHaveLength(SAMPLES);
		expect(state.results.latency.evidence.monitor.summary).toBe(
			`latency: ok — 40 (critical > 500 for 3 readings), ${SAMPLES} samples`,
		);
		expect(runCli(["verify", id, "--sessions-dir", sessions]).code).toBe(0);
		// The record says the watch stopped at its last reading before the kill, and counts every
		// event up to the session's end (only the closing mark comes after it).
		const record = JSON.parse(readFileSync(join(sessions, id, "signoff.json"), "utf8"));
		expect(record.interruptions[0]).toMatchObject({ clean: false, stoppedAt: before.at(-1)?.at });
		const lines = readFileSync(join(sessions, id, "events.jsonl"), "utf8")
			.trimEnd()
			.split("\n");
		const ended = lines.findIndex((line) => line.includes('"session.ended"'));
		expect(record.audit).toEqual({ events: ended + 1, head: JSON.parse(lines[ended] ?? "").hash });
	}, 120_000);
});

describe("a rollback a monitor scheduled", () => {
	it("is listed by rollout due from its time, with the command that carries it out", async () => {
		const dir = tempDir();
		const sessions = join(dir, "sessions");
		const answers = join(dir, "answers.yaml");
		writeFileSync(answers, "operator: Dana Ops\nanswers: {}\n");
		const checklist = join(dir, "latency.yaml");
		writeFileSync(
			checklist,
			`id: latency-watch
title: Latency watch
phases:
  - id: watch
    title: Watch
    steps:
      - id: chat-latency-increase
        kind: monitor
        title: Chat latency increase vs legacy (%)
        source: { command: "echo 17" }
        alerts:
          - { level: warning, when: ">= 10" }
          - { level: critical, when: "> 15", action: schedule-rollback, within: 2s }
      - { id: decision, kind: decision, title: Go / No-Go }
`,
		);
		const run = runCli(["run", checklist, "--answers", answers, "--sessions-dir", sessions]);
		expect(run.stdout).toMatch(
			/chat-latency-increase.*17 breached the critical level > 15: rollback scheduled for/,
		);
		expect(run.stdout).toContain("decision: NO-GO");
		const [id = ""] = sessionIds(sessions);
		expect(runCli(["due", "--sessions-dir", sessions]).stdout).toBe(
			"Nothing due. 1 scheduled rollback(s) upcoming (--all lists them).\n",
		);
		await new Promise((resolve) => setTimeout(resolve, 2100));
		const due = runCli(["due", "--sessions-dir", sessions]);
		expect(due.stdout).toMatch(
			new RegExp(
				`^due +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d  rollback scheduled by chat-latency-increase: 17 breached the critical level > 15: rollback scheduled for .* UTC\\n  rollout rollback ${id}\\n$`,
			),
		);
	}, 60_000);
});
