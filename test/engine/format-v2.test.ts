import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { answerProblems, loadAnswers } from "../../source/engine/answers.js";
import { Engine, EngineError } from "../../source/engine/engine.js";
import { runUnattended } from "../../source/engine/unattended.js";
import { evidenceDetails } from "../../source/steps/registry.js";
import { tempDir } from "../helpers/temp.js";

/** A checklist written into a fresh folder, started as a session there. */
async function start(yaml: string, options: { dryRun?: boolean; files?: Record<string, string> } = {}) {
	const dir = tempDir();
	for (const [name, text] of Object.entries(options.files ?? {})) writeFileSync(join(dir, name), text);
	writeFileSync(join(dir, "checklist.yaml"), yaml);
	const engine = await Engine.start({
		checklistPath: join(dir, "checklist.yaml"),
		operator: "Dana Ops",
		sessionsDir: join(dir, "sessions"),
		baseDir: dir,
		dryRun: options.dryRun,
	});
	return { engine, dir };
}

/** Walks the session with an answers file, as `rollout run` does; returns each step's line. */
async function walk(engine: Engine, answers: string) {
	const file = join(tempDir(), "answers.yaml");
	writeFileSync(file, answers);
	const lines: string[] = [];
	const result = await runUnattended(engine, loadAnswers(file), {
		signal: new AbortController().signal,
		report: ({ stepId, outcome }) =>
			lines.push(`${stepId} ${outcome.status}${outcome.reason ? `: ${outcome.reason}` : ""}`),
	});
	return { lines, decision: result.decision };
}

const TYPED = `
id: typed
title: Typed prompts
phases:
  - id: checks
    title: Checks
    steps:
      - id: perf
        kind: prompt
        title: Performance per operation
        question: Time one operation. How long did it take?
        fields:
          - { name: actual_ms, label: Actual, type: number, unit: ms, expect: "< 50" }
          - { name: tested_by, label: Tested by, type: text }
      - id: risk
        kind: prompt
        title: Technical risk
        question: Is the technical risk acceptable?
        fields:
          - { name: technical, label: Technical risk, type: choice, choices: [LOW, MEDIUM, HIGH], pass: [LOW, MEDIUM] }
      - id: method
        kind: prompt
        title: Deployment method
        fields:
          - { name: method, label: Deployment method, type: choice, choices: [Automated Script, Manual] }
          - { name: commit, label: Git commit hash, type: text, optional: true }
  - id: go-no-go
    title: Go / No-Go
    steps:
      - { id: decide, kind: decision, title: Decide }
`;

describe("typed prompts", () => {
	it("records numbers, names and choices as evidence and figures, shown in the exports", async () => {
		const { engine } = await start(TYPED);
		expect(
			engine.answer("perf", "pass", undefined, { actual_ms: "42 ms", tested_by: "Ann Lee" }),
		).toMatchObject({
			status: "passed",
		});
		engine.answer("risk", "pass", undefined, { technical: "medium" });
		engine.answer("method", "pass", undefined, { method: "Manual" });
		const perf = engine.state.results.perf;
		expect(perf?.metrics).toEqual({ actual_ms: 42 });
		expect(evidenceDetails("prompt", perf?.evidence)).toEqual([
			"Actual: 42 ms (expected < 50 ms) ✓",
			"Tested by: Ann Lee",
		]);
		expect(evidenceDetails("prompt", engine.state.results.risk?.evidence)).toEqual([
			"Technical risk: MEDIUM (passes: LOW, MEDIUM) ✓",
		]);
		expect(evidenceDetails("prompt", engine.state.results.method?.evidence)).toEqual([
			"Deployment method: Manual",
		]);
		engine.decide("decide");
		for (const format of ["md", "html", "json"] as const) {
			const text = readFileSync(engine.exportRecord(format), "utf8");
			expect(text).toMatch(/Actual: 42 ms \(expected (<|&lt;|\\u003c) 50 ms\)/);
			expect(text).toContain("Technical risk: MEDIUM");
			expect(text).toContain("Tested by: Ann Lee");
		}
		await engine.close();
	});

	it("fails the step when a number misses its threshold or a choice does not pass, whatever the answer", async () => {
		const { engine } = await start(TYPED);
		expect(engine.answer("perf", "pass", undefined, { actual_ms: 70, tested_by: "Ann" })).toEqual(
			expect.objectContaining({ status: "failed", reason: "Actual 70 ms, expected < 50 ms" }),
		);
		expect(engine.answer("risk", "pass", undefined, { technical: "HIGH" })).toEqual(
			expect.objectContaining({ status: "failed", reason: "Technical risk is HIGH (passes: LOW, MEDIUM)" }),
		);
		expect(evidenceDetails("prompt", engine.state.results.perf?.evidence)[0]).toBe(
			"Actual: 70 ms (expected < 50 ms) ✗",
		);
		await engine.close();
	});

	it("refuses a missing value, a value that is not a number, and a choice not offered, recording nothing", async () => {
		const { engine } = await start(TYPED);
		expect(() => engine.answer("perf", "pass", undefined, { tested_by: "Ann" })).toThrow(
			"perf: Actual needs a value",
		);
		expect(() => engine.answer("perf", "pass", undefined, { actual_ms: "fast", tested_by: "Ann" })).toThrow(
			'perf: Actual: "fast" is not a number',
		);
		expect(() => engine.answer("risk", "pass", undefined, { technical: "NONE" })).toThrow(
			'risk: Technical risk: "NONE" is not one of LOW, MEDIUM, HIGH',
		);
		expect(() => engine.answer("risk", "pass", undefined, { technical: "LOW", extra: 1 })).toThrow(
			'risk: no field "extra" (the fields: technical)',
		);
		expect(engine.state.results.perf?.status).toBe("pending");
		expect(engine.state.results.risk?.status).toBe("pending");
		await engine.close();
	});

	it("takes the values from an answers file, and refuses a file whose values do not fit before anything runs", async () => {
		const { engine } = await start(TYPED);
		const good = `answers:
  perf: { result: pass, values: { actual_ms: 38, tested_by: Ann Lee } }
  risk: { result: pass, values: { technical: LOW } }
  method: { result: pass, values: { method: Automated Script, commit: 3f9c2ab } }
`;
		const bad = join(tempDir(), "bad.yaml");
		writeFileSync(bad, "answers:\n  perf: { result: pass, values: { actual_ms: slow } }\n  risk: pass\n");
		expect(answerProblems(loadAnswers(bad), engine.definition)).toEqual([
			`${bad}: answers.perf.values: Actual: "slow" is not a number`,
			`${bad}: answers.perf.values: Tested by needs a value`,
			`${bad}: answers.risk.values: Technical risk needs a value`,
		]);
		// A fail or a skip without notes is refused with the rest, not when its step comes.
		const unexplained = join(tempDir(), "unexplained.yaml");
		writeFileSync(unexplained, "answers:\n  risk: skip\n  method: { result: fail, notes: '  ' }\n");
		expect(answerProblems(loadAnswers(unexplained), engine.definition)).toEqual([
			`${unexplained}: answers.risk: a skipped prompt needs notes saying why`,
			`${unexplained}: answers.method: a failed prompt needs notes saying why`,
			`${unexplained}: answers.method.values: Deployment method needs a value`,
		]);
		const { lines, decision } = await walk(engine, good);
		expect(lines).toEqual(["perf passed", "risk passed", "method passed", "decide passed: GO"]);
		expect(decision).toBe("GO");
		expect(evidenceDetails("prompt", engine.state.results.method?.evidence)).toEqual([
			"Deployment method: Automated Script",
			"Git commit hash: 3f9c2ab",
		]);
		await engine.close();
	});
});

/** Twenty non-critical prompts, one must-pass prompt, and a decision with the given rules. */
function rated(rule: string, phaseRule = "") {
	const prompts = Array.from(
		{ length: 20 },
		(_, index) => `      - { id: item-${index + 1}, kind: prompt, title: Item ${index + 1} }`,
	).join("\n");
	return `
id: rated
title: Pass rates
decision: { ${rule} }
phases:
  - id: items
    title: Items
${phaseRule}    steps:
${prompts}
  - id: gate
    title: Gate
    steps:
      - { id: security, kind: prompt, title: No critical security vulnerabilities, must: true }
      - { id: decide, kind: decision, title: Decide }
`;
}

/** Answers: items 1–19 pass and item 20 fails (95 %), the must-pass step as given. */
function ratedAnswers(security = "pass") {
	const items = Array.from({ length: 20 }, (_, index) =>
		index === 19 ? `  item-20: { result: fail, notes: broken }` : `  item-${index + 1}: pass`,
	);
	return `answers:\n${items.join("\n")}\n  security: ${security}\n`;
}

describe("must-pass steps", () => {
	it("cannot be skipped by the operator, and cannot be overridden once failed", async () => {
		const { engine } = await start(rated('passRate: ">= 90"'));
		for (let index = 1; index <= 20; index++) engine.answer(`item-${index}`, "pass");
		expect(() => engine.skip("security", "no time")).toThrow(EngineError);
		expect(() => engine.answer("security", "skip", "no time")).toThrow(
			"security must pass (must: true): it cannot be skipped — answer it or let it fail",
		);
		engine.answer("security", "fail", "CVE-2026-1234 in the TLS library");
		expect(() => engine.override("security", "accepted risk")).toThrow(
			"security must pass (must: true): its failure is a NO-GO and cannot be overridden — fix it and retry, or roll back",
		);
		const proposed = engine.proposeDecision("decide");
		expect(proposed.outcome).toBe("NO-GO");
		expect(proposed.final).toBe(true);
		expect(proposed.reasons[0]).toBe("must-pass step security failed: CVE-2026-1234 in the TLS library");
		expect(() =>
			engine.decide("decide", { outcome: "GO WITH CONDITIONS", conditions: ["patch within a day"] }),
		).toThrow(
			"GO WITH CONDITIONS is not allowed: a must-pass step failed or was skipped, and that is a NO-GO",
		);
		expect(engine.decide("decide").outcome).toBe("NO-GO");
		await engine.close();
	});

	it("fail unattended without an answer in a real run, making it NO-GO", async () => {
		const { engine } = await start(rated('passRate: ">= 90"'));
		const { lines, decision } = await walk(engine, ratedAnswers().replace("  security: pass\n", ""));
		expect(lines.find((line) => line.startsWith("security"))).toMatch(
			/^security failed: no answer for security in /,
		);
		expect(decision).toBe("NO-GO");
		expect(engine.outcome()?.reasons[0]).toMatch(/^must-pass step security failed: no answer for security/);
		await engine.close();
	});

	it("skipped in a dry run are a condition, not a NO-GO: nothing was at stake", async () => {
		const { engine } = await start(rated('passRate: ">= 90"'), { dryRun: true });
		const { decision } = await walk(engine, ratedAnswers().replace("  security: pass\n", ""));
		expect(decision).toBe("GO WITH CONDITIONS");
		expect(engine.outcome()?.conditions).toEqual([
			expect.stringMatching(/^critical step security was skipped: dry run: no answer for security/),
		]);
		await engine.close();
	});
});

describe("pass-rate rules with the checklist's own comparison", () => {
	it("> 95 is not met by exactly 95 %, while >= 95 is", async () => {
		const strict = await start(rated('passRate: "> 95"'));
		expect((await walk(strict.engine, ratedAnswers())).decision).toBe("NO-GO");
		expect(strict.engine.outcome()?.reasons).toContain(
			"pass rate 95 % ≤ 95 % (19 of 20 non-critical steps passed)",
		);
		await strict.engine.close();
		const inclusive = await start(rated('passRate: ">= 95"'));
		expect((await walk(inclusive.engine, ratedAnswers())).decision).toBe("GO");
		expect(inclusive.engine.outcome()?.reasons).toContain(
			"pass rate 95 % ≥ 95 % (19 of 20 non-critical steps passed)",
		);
		await inclusive.engine.close();
	});

	it("holds a phase to its own rule, even when the overall rate is met", async () => {
		const { engine } = await start(rated("minPassRate: 90", '    passRate: "== 100"\n'));
		const { decision } = await walk(engine, ratedAnswers());
		expect(decision).toBe("NO-GO");
		expect(engine.outcome()?.reasons).toEqual([
			"Items: pass rate 95 % ≠ 100 % (19 of 20 non-critical steps passed)",
			"pass rate 95 % ≥ 90 % (19 of 20 non-critical steps passed)",
			"1 critical step(s) passed",
			"totals: 21 items, 20 completed, 1 failed, 0 skipped, 0 not run; completion rate 95.24 %",
		]);
		await engine.close();
	});
});

const BRANCHES = `
id: branches
title: Branches on the outcome
phases:
  - id: validation
    title: Validation
    steps:
      - { id: smoke, kind: prompt, title: Smoke tests, critical: true }
      - { id: smoke-retest, kind: prompt, title: Re-test the smoke tests, when: { step: smoke, is: failed } }
  - id: decision
    title: Decision
    steps:
      - { id: decide, kind: decision, title: Decide }
      - { id: approvals, kind: signoff, title: Approvals, roles: [Technical Lead] }
  - id: if-approved
    title: If APPROVED
    steps:
      - { id: schedule-production, kind: prompt, title: Schedule production deployment, when: { decision: [GO, GO WITH CONDITIONS] } }
  - id: if-rejected
    title: If REJECTED
    steps:
      - { id: document-failures, kind: prompt, title: Document all failing items, when: { decision: NO-GO } }
      - { id: remediation-tickets, kind: prompt, title: Create remediation tickets, when: { decision: NO-GO } }
`;

const SIGNOFF = "  approvals:\n    - { role: Technical Lead, name: Tess Lead, decision: approve }\n";

describe("branches on an outcome", () => {
	it("after a GO, runs the If APPROVED steps and skips the If REJECTED ones", async () => {
		const { engine } = await start(BRANCHES);
		const { lines, decision } = await walk(
			engine,
			`answers:\n  smoke: pass\n  schedule-production: pass\n${SIGNOFF}`,
		);
		expect(decision).toBe("GO");
		expect(lines).toEqual([
			"smoke passed",
			"smoke-retest skipped: when: smoke is failed, and it is passed",
			"decide passed: GO",
			"approvals passed",
			"schedule-production passed",
			"document-failures skipped: when: the decision is NO-GO, and it is GO",
			"remediation-tickets skipped: when: the decision is NO-GO, and it is GO",
		]);
		await engine.close();
	});

	it("after a NO-GO, runs the If REJECTED steps — the gate is closed, but they are its record", async () => {
		const { engine } = await start(BRANCHES);
		const { lines, decision } = await walk(
			engine,
			`answers:
  smoke: { result: fail, notes: "login page 500" }
  smoke-retest: { result: fail, notes: "still 500" }
  document-failures: { result: pass, notes: "smoke: login 500" }
  remediation-tickets: { result: pass, notes: "OPS-1201" }
${SIGNOFF}`,
		);
		expect(decision).toBe("NO-GO");
		expect(lines).toEqual([
			"smoke failed: login page 500",
			"smoke-retest skipped: not run: critical step smoke failed",
			"decide failed: NO-GO",
			"schedule-production skipped: not run: the outcome is NO-GO",
			"approvals skipped: not run: critical step smoke failed",
			"document-failures passed",
			"remediation-tickets passed",
		]);
		await engine.close();
	});

	it("runs a step on an earlier step's failure when the failure does not stop the walk", async () => {
		const { engine } = await start(BRANCHES.replace("critical: true", "critical: false"));
		engine.answer("smoke", "fail", "flaky");
		expect(engine.skipIfOff("smoke-retest")).toBeUndefined();
		engine.answer("smoke-retest", "pass");
		expect(engine.state.results["smoke-retest"]?.status).toBe("passed");
		await engine.close();
	});
});

describe("included phases in a session", () => {
	it("walks the included steps in place, and records them like its own", async () => {
		const { engine } = await start(
			`id: with-include
title: With an include
phases:
  - include: shared.yaml
  - id: go-no-go
    title: Go / No-Go
    steps:
      - { id: decide, kind: decision, title: Decide }
`,
			{
				files: {
					"shared.yaml":
						"phases:\n  - id: preflight\n    title: Pre-flight\n    steps:\n      - { id: oncall, kind: prompt, title: On-call ready }\n",
				},
			},
		);
		expect(engine.state.steps.map((ref) => `${ref.phase}/${ref.id}`)).toEqual([
			"preflight/oncall",
			"go-no-go/decide",
		]);
		const { decision } = await walk(engine, "answers:\n  oncall: pass\n");
		expect(decision).toBe("GO");
		await engine.close();
	});
});
