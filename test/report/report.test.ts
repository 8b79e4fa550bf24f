import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { XMLParser } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { Engine } from "../../source/engine/engine.js";
import { verifySession } from "../../source/session/inspect.js";
import { runCli } from "../helpers/cli.js";
import { ANSWERS, makeSandbox, SANDBOX_CHECKLIST } from "../helpers/sandbox.js";
import { tempDir } from "../helpers/temp.js";

const env = { ROLLOUT_LOCK_STALE_MS: "2000" };

function rolledOut(options: { passed?: number; failed?: number } = {}) {
	const { app, sessions } = makeSandbox(options);
	const answers = join(tempDir(), "answers.yaml");
	writeFileSync(answers, ANSWERS);
	const result = runCli(
		["run", SANDBOX_CHECKLIST, "--answers", answers, "--var", `app=${app}`, "--sessions-dir", sessions],
		{ env },
	);
	const id = /^session: (\S+)$/m.exec(result.stdout)?.[1] ?? "";
	return { app, sessions, id, dir: join(sessions, id) };
}

describe("the sign-off record", () => {
	it("is written into the session with checklist digest, steps, decision, approvals and the audit anchor", () => {
		const { dir, id } = rolledOut();
		const record = JSON.parse(readFileSync(join(dir, "signoff.json"), "utf8"));
		expect(record.session).toMatchObject({
			id,
			operator: "Dana Ops",
			status: "GO",
			finished: true,
			checklist: { id: "sandbox-rollout", version: "1.0" },
		});
		expect(record.session.checklist.sha256).toMatch(/^[0-9a-f]{64}$/);
		expect(record.decision).toEqual({ outcome: "GO", reasons: expect.any(Array), conditions: [] });
		expect(record.steps.map((step: { id: string; status: string }) => `${step.id}:${step.status}`)).toEqual([
			"backup:passed",
			"unit-tests:passed",
			"junit-report:passed",
			"enable-flag:passed",
			"smoke:passed",
			"decision:passed",
			"approvals:passed",
		]);
		expect(record.steps[1]).toMatchObject({
			metrics: { pass_rate: 100 },
			evidence: { exitCode: 0, log: join(dir, "logs", "unit-tests.log") },
		});
		expect(record.approvals).toEqual([
			{
				role: "Tech Lead",
				name: "Alice Lead",
				decision: "approve",
				comment: "ship it",
				at: expect.any(String),
				enteredBy: expect.any(String),
			},
			{
				role: "QA Lead",
				name: "Quinn QA",
				decision: "approve",
				at: expect.any(String),
				enteredBy: expect.any(String),
			},
		]);
		const lines = readFileSync(join(dir, "events.jsonl"), "utf8").trimEnd().split("\n");
		// Written at the sign-off; the log has gone on since (the run's clean end), and must still hold that head.
		expect(record.audit.events).toBeLessThan(lines.length);
		expect(record.audit.head).toBe(JSON.parse(lines[record.audit.events - 1] ?? "").hash);
		const markdown = readFileSync(join(dir, "signoff.md"), "utf8");
		expect(markdown).toContain("## Outcome: GO");
		expect(markdown).toContain("| Tech Lead | Alice Lead | approve | ship it |");
		expect(markdown).toContain("features.coordinator: false → true in");
	});

	it("catches records dropped after the sign-off, through its anchor, even when session.json is rewritten to match", () => {
		const { dir } = rolledOut();
		const log = join(dir, "events.jsonl");
		const lines = readFileSync(log, "utf8").trimEnd().split("\n");
		writeFileSync(log, `${lines.slice(0, -2).join("\n")}\n`);
		writeFileSync(join(dir, "session.json"), "{}");
		expect(verifySession(dir).problem).toMatch(
			/but signoff\.json recorded \d+: records were lost from the end/,
		);
	});
});

describe("rollout export", () => {
	it("writes Markdown, HTML, JSON and JUnit, to the session folder, a file or standard output", () => {
		const { sessions, id, dir } = rolledOut({ passed: 37, failed: 3 });
		const cli = (...args: string[]) => runCli(["export", id, "--sessions-dir", sessions, ...args], { env });
		expect(cli("--format", "md")).toMatchObject({ code: 0, stdout: `wrote ${join(dir, "report.md")}\n` });
		expect(readFileSync(join(dir, "report.md"), "utf8")).toContain("## Outcome: NO-GO");
		const out = join(tempDir(), "record.html");
		expect(cli("--format", "html", "--out", out).code).toBe(0);
		const page = readFileSync(out, "utf8");
		expect(page).toMatch(/^<!doctype html>/);
		expect(page).not.toMatch(/<(link|script)\b|src="http/);
		expect(page).toContain('aria-label="Step timeline"');
		const json = JSON.parse(cli("--format", "json", "--out", "-").stdout);
		expect(Object.keys(json)).toEqual(
			expect.arrayContaining(["session", "decision", "steps", "approvals", "rollbackPlan", "audit"]),
		);
		expect(json.steps[0]).toEqual(
			expect.objectContaining({
				id: "backup",
				phase: "prepare",
				kind: "backup",
				title: "Back up the configuration",
				critical: true,
				status: "passed",
			}),
		);
		const junit = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" }).parse(
			cli("--format", "junit", "--out", "-").stdout,
		);
		// The failed tests and the NO-GO decision are the two failures; what the NO-GO stopped is skipped.
		expect(junit.testsuites).toMatchObject({ tests: "7", failures: "2", skipped: "4" });
		const prepare = junit.testsuites.testsuite[0];
		expect(prepare.name).toBe("prepare");
		expect(prepare.testcase[1].failure.message).toBe("pass_rate 92.5 < 95");
	});

	it("exports an unfinished session, marked as such", async () => {
		const { app, sessions } = makeSandbox();
		const engine = await Engine.start({
			checklistPath: SANDBOX_CHECKLIST,
			vars: { app },
			operator: "D",
			sessionsDir: sessions,
		});
		await engine.run("backup");
		await engine.close();
		const result = runCli(["export", engine.id, "--format", "md", "--out", "-", "--sessions-dir", sessions], {
			env,
		});
		expect(result.stdout).toContain("> **Unfinished session**: this record shows the steps so far.");
		expect(result.stdout).toContain("| `unit-tests` Unit tests (critical) | command | pending |");
	});

	it("refuses an unknown format with exit 2", () => {
		const { sessions, id } = rolledOut();
		expect(runCli(["export", id, "--format", "pdf", "--sessions-dir", sessions], { env })).toMatchObject({
			code: 2,
			stderr: 'rollout: --format is one of md, html, json, junit, not "pdf"\n',
		});
	});
});

describe("rollout rollback", () => {
	it("asks for --yes without a terminal, then rolls back and says so; the list shows it", () => {
		const { sessions, id, app } = rolledOut();
		expect(runCli(["rollback", id, "--sessions-dir", sessions], { env })).toMatchObject({
			code: 2,
			stderr: "rollout: rollback asks before each action: run it at a terminal, or pass --yes\n",
		});
		const dry = runCli(["rollback", id, "--dry-run", "--sessions-dir", sessions], { env });
		expect(dry.stdout).toContain("(dry run: nothing is changed)");
		expect(readFileSync(join(app, "config.yaml"), "utf8")).toContain("coordinator: true");
		const result = runCli(["rollback", id, "--yes", "--sessions-dir", sessions], { env });
		expect(result.code).toBe(0);
		expect(result.stdout).toMatch(/✓ revert features\.coordinator in .* — done\n/);
		expect(result.stdout).toContain(`rolled back: ${id}\n`);
		expect(readFileSync(join(app, "config.yaml"), "utf8")).toContain("coordinator: false");
		expect(JSON.parse(runCli(["list", "--json", "--sessions-dir", sessions], { env }).stdout)[0].status).toBe(
			"rolled back",
		);
		expect(runCli(["verify", id, "--sessions-dir", sessions], { env }).code).toBe(0);
	});
});

describe("follow-ups", () => {
	it("fall due their `after` past the sign-off, run into the same record, and are then done", () => {
		const { sessions, id, dir } = rolledOut();
		const cli = (...args: string[]) => runCli([...args, "--sessions-dir", sessions], { env });
		expect(cli("due").stdout).toBe("Nothing due. 1 follow-up(s) upcoming (--all lists them).\n");
		const [upcoming] = JSON.parse(cli("due", "--all", "--json").stdout);
		// Follow-ups fall due counting from the moment the session ended (its last sign-off).
		const endedAt = JSON.parse(readFileSync(join(dir, "signoff.json"), "utf8")).session.endedAt;
		expect(upcoming).toEqual({
			sessionId: id,
			followupId: "day-1",
			title: "Day 1 checks",
			dueAt: new Date(Date.parse(endedAt) + 86_400_000).toISOString(),
			status: "upcoming",
		});
		const answers = join(tempDir(), "answers.yaml");
		writeFileSync(answers, ANSWERS);
		const result = cli("followup", id, "day-1", "--answers", answers);
		expect(result.code).toBe(0);
		expect(result.stdout).toMatch(/✓ day-1-errors +passed/);
		expect(result.stdout).toMatch(/✓ day-1-tests +passed .* pass_rate 100/);
		expect(JSON.parse(cli("due", "--all", "--json").stdout)[0].status).toBe("done");
		expect(cli("followup", id, "day-9", "--answers", answers)).toMatchObject({
			code: 2,
			stderr: 'rollout: no follow-up "day-9" in sandbox-rollout (it has: day-1)\n',
		});
		expect(cli("verify", id).code).toBe(0);
	});

	it("are due on the day and overdue after it", async () => {
		const { followupsOf } = await import("../../source/report/followups.js");
		const { readSessionData } = await import("../../source/report/session-data.js");
		const { dir } = rolledOut();
		const data = readSessionData(dir);
		const signed = Date.now();
		expect(followupsOf(data, new Date(signed + 86_400_000 + 60_000))[0]?.status).toBe("due");
		expect(followupsOf(data, new Date(signed + 3 * 86_400_000))[0]?.status).toBe("overdue");
	});

	it("need a session that was not a NO-GO", () => {
		const { sessions, id } = rolledOut({ passed: 10, failed: 10 });
		const answers = join(tempDir(), "answers.yaml");
		writeFileSync(answers, ANSWERS);
		expect(
			runCli(["followup", id, "day-1", "--answers", answers, "--sessions-dir", sessions], { env }),
		).toMatchObject({
			code: 2,
			stderr: expect.stringContaining("follow-ups come after a session that ended GO or GO WITH CONDITIONS"),
		});
	});
});
