import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { XMLParser } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { BIN, ROOT, runCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/temp.js";

/**
 * The record beside the runbook: a session walked through the built bin, cut off by a kill
 * in the middle of a step and resumed, then exported in every format. Each blank the
 * hand-filled seeds leave (last run, who, results, figures against their targets, the
 * question and its answer, follow-ups and their due dates) must be filled in each format.
 */

const CHECKLIST = `id: filled-in
title: Filled-in runbook
version: "1.0"
vars:
  app: .
phases:
  - id: quality
    title: Code quality and testing
    steps:
      - id: unit-tests
        kind: command
        title: All unit tests passing
        run: "printf '==== 5 failed, 180 passed, 7 skipped in 3.21s ====\\\\n'; exit 1"
        expect: { exitCode: [0, 1], parse: pytest, thresholds: [ { metric: pass_rate, op: ">", value: 95 } ] }
        critical: true
      - id: slow
        kind: command
        title: Integration suite
        run: "if [ -f \${app}/hang ]; then sleep 30; fi; echo done"
  - id: checks
    title: Smoke and monitoring
    steps:
      - { id: smoke, kind: prompt, title: Smoke test, question: Does the home page load? }
      - id: error-rate
        kind: monitor
        title: Error rate (%)
        source: { command: "echo 0.3" }
        samples: 2
        interval: 10ms
        warn: "> 0.5"
        critical: "> 1"
  - id: gate
    title: Go / No-Go
    steps:
      - { id: decision, kind: decision, title: Go / No-Go }
      - { id: approvals, kind: signoff, title: Approvals, roles: [Tech Lead] }
followups:
  - id: day-1
    after: 1d
    title: Day 1 checks
    steps:
      - { id: day-1-errors, kind: command, title: Errors after a day, run: "echo 0" }
`;

const ANSWERS = `operator: Dana Ops
answers:
  smoke: { result: pass, notes: loads in 1.2 s }
  approvals:
    - { role: Tech Lead, name: Alice Lead, decision: approve, comment: ship it }
`;

/** Starts a run, kills it with SIGKILL while `slow` runs, then resumes it unattended to its end. */
async function crashedAndResumed(): Promise<{ sessions: string; id: string }> {
	const dir = tempDir("filled-in-");
	const [checklist, answers, sessions] = [
		join(dir, "runbook.yaml"),
		join(dir, "answers.yaml"),
		join(dir, "s"),
	];
	writeFileSync(checklist, CHECKLIST);
	writeFileSync(answers, ANSWERS);
	writeFileSync(join(dir, "hang"), "");
	const args = ["run", checklist, "--answers", answers, "--var", `app=${dir}`, "--sessions-dir", sessions];
	const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
	let stdout = "";
	child.stdout.on("data", (chunk) => {
		stdout += chunk;
	});
	const id = () => /^session: (\S+)$/m.exec(stdout)?.[1] ?? "";
	const deadline = Date.now() + 20_000;
	// `slow` is running once its log exists: the kill lands in the middle of it.
	while (
		!(/unit-tests/.test(stdout) && existsSync(join(sessions, sessionDir(sessions), "logs", "slow.log")))
	) {
		if (Date.now() > deadline) throw new Error(`slow never started: ${stdout}`);
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
	child.kill("SIGKILL");
	await new Promise((resolve) => child.on("exit", resolve));
	rmSync(join(dir, "hang"));
	const session = id() || sessionDir(sessions);
	const resumed = runCli(["resume", session, "--answers", answers, "--sessions-dir", sessions]);
	expect(resumed.code, resumed.stderr).toBe(0);
	return { sessions, id: session };
}

/** The one session folder under `sessions`, or "" before there is one. */
function sessionDir(sessions: string): string {
	if (!existsSync(sessions)) return "";
	return readdirSync(sessions).find((name) => !name.startsWith(".")) ?? "";
}

function exported(sessions: string, id: string) {
	const text = (format: string) => {
		const result = runCli(["export", id, "--format", format, "--out", "-", "--sessions-dir", sessions]);
		expect(result.code, result.stderr).toBe(0);
		return result.stdout;
	};
	return { md: text("md"), html: text("html"), json: JSON.parse(text("json")), junit: text("junit") };
}

const fromHtml = (text: string) =>
	text.replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&quot;", '"').replaceAll("&amp;", "&");

/** "2026-11-23 09:00:02Z", as the records print a time. */
const when = (iso: string) => iso.replace("T", " ").replace(/\.\d+Z$/, "Z");

describe("the record as the filled-in runbook", () => {
	it("fills every blank in Markdown, HTML, JSON and JUnit, through a crash and a resume", async () => {
		const { sessions, id } = await crashedAndResumed();
		const { md, html, json, junit } = exported(sessions, id);
		const step = (stepId: string) => json.steps.find((item: { id: string }) => item.id === stepId);
		const page = fromHtml(html);
		const cases = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" })
			.parse(junit)
			.testsuites.testsuite.flatMap((suite: { testcase: unknown }) => [suite.testcase].flat());
		const out = (stepId: string): string =>
			String(
				cases.find((item: { name: string }) => item.name.startsWith(`${stepId}:`))?.["system-out"] ?? "",
			);

		// Last run, who, and every pytest figure (skipped too) with the pass rate beside its target.
		const tests = step("unit-tests");
		expect(tests.limits).toEqual([{ metric: "pass_rate", rule: "> 95", condition: "> 95", met: true }]);
		const figures = "pass_rate 97.3 (> 95 ✓), passed 180, failed 5, skipped 7";
		expect(md).toContain(
			`| \`unit-tests\` All unit tests passing (critical) | command | passed | ${when(tests.startedAt)} | Dana Ops | ${figures}`,
		);
		expect(page).toContain(
			`<td>${when(tests.startedAt)}</td><td>Dana Ops</td><td>pass_rate 97.3 (> 95 ✓)<br>passed 180<br>failed 5<br>skipped 7`,
		);
		expect(out("unit-tests")).toContain(
			`last run: ${when(tests.startedAt)} by Dana Ops\nfigures: ${figures}`,
		);

		// Phase titles, not ids.
		expect(md).toContain("### Code quality and testing (`quality`)");
		expect(page).toContain("<h3>Code quality and testing <small>quality · 2 steps: 2 passed</small></h3>");
		expect(step("smoke").phaseTitle).toBe("Smoke and monitoring");

		// The question and its answer.
		const asked = "asked: Does the home page load? — answered yes";
		expect(md).toContain(`- \`smoke\`: ${asked}; notes: loads in 1.2 s`);
		expect(page).toContain(`<li>${asked}</li><li>notes: loads in 1.2 s</li>`);
		expect(out("smoke")).toContain(`${asked}\nnotes: loads in 1.2 s`);

		// The monitor's level beside its figure, and its readings.
		expect(md).toContain("value 0.3 (warn > 0.5 → notify: not met, critical > 1 → stop: not met)");
		expect(md).toMatch(/readings: \d\d:\d\d:\d\dZ 0\.3, \d\d:\d\d:\d\dZ 0\.3/);

		// The kill and the resume: in the session's list and at the step it cut off.
		expect(json.interruptions).toEqual([
			expect.objectContaining({ clean: false, steps: ["slow"], resumedAt: expect.any(String) }),
		]);
		const [stop] = json.interruptions;
		const stopped = `${when(stop.stoppedAt)} stopped without closing the session (killed, crashed or lost its terminal); cut off: slow; resumed ${when(stop.resumedAt)} on ${stop.host}`;
		expect(md).toContain(`## Interruptions and resumes\n\n- ${stopped}\n`);
		expect(page).toContain(`<h2>Interruptions and resumes</h2>\n<ul><li>${stopped}</li></ul>`);
		const [cut] = step("slow").interruptions;
		const cutLine = `cut off at ${when(cut.at)}: rollout stopped while this step was running; the session resumed at ${when(stop.resumedAt)}`;
		for (const text of [md, page, out("slow")]) expect(text).toContain(cutLine);
		expect(step("slow").status).toBe("passed");

		// The follow-up and when it falls due: a day after the sign-off that ended the session.
		const due = new Date(Date.parse(json.session.endedAt) + 86_400_000).toISOString();
		expect(json.followups).toEqual([
			{ id: "day-1", title: "Day 1 checks", after: "1 day", dueAt: due, status: "not started" },
		]);
		const followup = `Day 1 checks (day-1): due ${when(due)} (1 day after the sign-off) — not started`;
		expect(md).toContain(`## Follow-ups\n\n- ${followup}\n`);
		expect(page).toContain(`<li>${followup}</li>`);

		// Who signed.
		expect(md).toContain("| Alice Lead (Tech Lead) |");

		// Every line a step's kind gives reaches every format.
		for (const item of json.steps as { id: string; details: string[] }[]) {
			for (const line of item.details) {
				expect(md, `${item.id}: ${line}`).toContain(line);
				expect(page, `${item.id}: ${line}`).toContain(line);
				expect(out(item.id), `${item.id}: ${line}`).toContain(line);
			}
		}
		expect(md).not.toContain("DRY RUN");
	}, 60_000);

	it("says a step the outcome stopped was not run, and who did nothing there", () => {
		const dir = tempDir("not-run-");
		writeFileSync(
			join(dir, "gate.yaml"),
			`id: gate
title: Gate
phases:
  - id: checks
    title: Checks before the change
    steps:
      - { id: tests, kind: command, title: Tests, run: "exit 1", critical: true }
      - { id: decision, kind: decision, title: Go / No-Go }
  - id: change
    title: The change
    steps:
      - { id: deploy, kind: command, title: Deploy, run: "echo deployed" }
`,
		);
		writeFileSync(join(dir, "answers.yaml"), "operator: Dana Ops\nanswers: {}\n");
		const sessions = join(dir, "s");
		const run = runCli([
			"run",
			join(dir, "gate.yaml"),
			"--answers",
			join(dir, "answers.yaml"),
			"--sessions-dir",
			sessions,
		]);
		expect(run.code).toBe(1);
		const id = /^session: (\S+)$/m.exec(run.stdout)?.[1] ?? "";
		const { md, json } = exported(sessions, id);
		const deploy = json.steps.find((step: { id: string }) => step.id === "deploy");
		expect(deploy).toMatchObject({ status: "skipped", phaseTitle: "The change" });
		expect(deploy.by).toBeUndefined();
		expect(md).toContain("| `deploy` Deploy | command | skipped | not run |  |  |  |");
		expect(md).toContain("- `deploy`: not run: the outcome is NO-GO");
	}, 30_000);

	it("shows each alert tier of a monitor beside its reading: level against the baseline, action, when it held", () => {
		const dir = tempDir("tiers-");
		writeFileSync(
			join(dir, "tiers.yaml"),
			`id: tiers
title: Alert tiers
vars:
  app: .
phases:
  - id: before
    title: Before the change
    steps:
      - id: baseline-memory
        kind: command
        title: "Baseline: memory (MB)"
        run: echo memory_mb=500
        expect: { parse: regex, regex: { pattern: 'memory_mb=(?<memory_mb>\\d+)' } }
  - id: after
    title: After the change
    steps:
      - id: memory-growth
        kind: monitor
        title: Memory growth vs baseline
        source: { command: "n=$(cat \${app}/n 2>/dev/null || echo 0); n=$((n+1)); echo $n > \${app}/n; echo $((500 + n * 30))" }
        samples: 3
        interval: 10ms
        baseline: { step: baseline-memory, metric: memory_mb }
        alerts:
          - { level: warning, when: "> baseline + 5%" }
          - { level: critical, when: "> baseline + 50", for: 2 readings, action: notify }
          - { level: page, when: "> baseline + 100", action: rollback }
`,
		);
		writeFileSync(join(dir, "answers.yaml"), "operator: Dana Ops\nanswers: {}\n");
		const sessions = join(dir, "s");
		const run = runCli([
			"run",
			join(dir, "tiers.yaml"),
			"--answers",
			join(dir, "answers.yaml"),
			"--var",
			`app=${dir}`,
			"--sessions-dir",
			sessions,
		]);
		const id = /^session: (\S+)$/m.exec(run.stdout)?.[1] ?? "";
		expect(id, run.stdout + run.stderr).not.toBe("");
		const { md, html, json, junit } = exported(sessions, id);
		const monitor = json.steps.find((step: { id: string }) => step.id === "memory-growth");
		// When each tier held, as the monitor recorded it at the reading that tipped it.
		const [first, third] = monitor.evidence.fired as { tier: number; at: string; value: number }[];
		expect(monitor.evidence.fired).toEqual([
			{ tier: 0, at: expect.any(String), value: 530 },
			{ tier: 1, at: expect.any(String), value: 590 },
		]);
		expect(monitor.readings.map((reading: { value: number }) => reading.value)).toEqual([530, 560, 590]);
		// Each reading says the highest tier it reached, and the export still holds to its schema.
		expect(monitor.readings.map((reading: { level?: string }) => reading.level)).toEqual([
			"warning",
			"warning",
			"critical",
		]);
		const schema = JSON.parse(readFileSync(join(ROOT, "docs", "report.schema.json"), "utf8"));
		const validate = new Ajv2020({ strict: false, allErrors: true }).compile(schema);
		expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
		expect(monitor.limits).toEqual([
			{
				metric: "value",
				rule: "warn > baseline + 5% (= 525) → notify",
				condition: "> baseline + 5%",
				level: "warning",
				action: "notify",
				met: true,
				metAt: first?.at,
			},
			{
				metric: "value",
				rule: "critical > baseline + 50 (= 550) for 2 readings → notify",
				condition: "> baseline + 50",
				level: "critical",
				action: "notify",
				met: true,
				metAt: third?.at,
			},
			{
				metric: "value",
				rule: "page > baseline + 100 (= 600) → rollback",
				condition: "> baseline + 100",
				level: "page",
				action: "rollback",
				met: false,
			},
		]);
		const time = (iso = "") => when(iso).slice(11);
		const figures = `value 590 (warn > baseline + 5% (= 525) → notify: met at ${time(first?.at)}, critical > baseline + 50 (= 550) for 2 readings → notify: met at ${time(third?.at)}, page > baseline + 100 (= 600) → rollback: not met)`;
		expect(md).toContain(figures);
		expect(fromHtml(html)).toContain(figures);
		expect(fromHtml(junit)).toContain(`figures: ${figures}`);
	}, 30_000);
});
