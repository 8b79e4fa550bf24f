import { chmodSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadAnswers } from "../../source/engine/answers.js";
import { Engine, EngineError } from "../../source/engine/engine.js";
import { runUnattended } from "../../source/engine/unattended.js";
import { verifySession } from "../../source/session/inspect.js";
import { readManifest } from "../../source/session/manifest.js";
import { ANSWERS, CONFIG, makeSandbox, SANDBOX_CHECKLIST } from "../helpers/sandbox.js";
import { tempDir } from "../helpers/temp.js";

async function start(app: string, sessions: string, extra: { dryRun?: boolean } = {}) {
	return Engine.start({
		checklistPath: SANDBOX_CHECKLIST,
		vars: { app },
		operator: "Dana Ops",
		sessionsDir: sessions,
		...extra,
	});
}

function answersFile(text = ANSWERS): ReturnType<typeof loadAnswers> {
	const file = join(tempDir(), "answers.yaml");
	writeFileSync(file, text);
	return loadAnswers(file);
}

async function walk(engine: Engine, answers = answersFile()) {
	const lines: string[] = [];
	const result = await runUnattended(engine, answers, {
		signal: new AbortController().signal,
		report: (line) =>
			lines.push(
				`${line.stepId} ${line.outcome.status}${line.outcome.reason ? ` ${line.outcome.reason}` : ""}`,
			),
	});
	return { result, lines };
}

describe("an unattended walk through every step kind", () => {
	it("backs up, runs, parses, flips the flag, takes answers and decides GO", async () => {
		const { app, sessions } = makeSandbox();
		const engine = await start(app, sessions);
		const { result, lines } = await walk(engine);
		await engine.close();
		expect(lines).toEqual([
			"backup passed",
			"unit-tests passed",
			"junit-report passed",
			"enable-flag passed",
			"smoke passed",
			"decision passed GO",
			"approvals passed",
		]);
		expect(result.decision).toBe("GO");
		const state = engine.state;
		expect(state.results["unit-tests"]?.metrics).toMatchObject({
			passed: 98,
			failed: 0,
			skipped: 2,
			pass_rate: 100,
			total: 100,
		});
		expect(state.results["junit-report"]?.metrics).toMatchObject({ tests: 50, failures: 1, skipped: 2 });
		expect(state.results["junit-report"]?.metrics?.pass_rate).toBeCloseTo(97.92, 2);
		expect(state.results.smoke?.notes).toBe("answered in 40 ms");
		expect(
			state.approvals.map((approval) => `${approval.role}: ${approval.name} ${approval.decision}`),
		).toEqual(["Tech Lead: Alice Lead approve", "QA Lead: Quinn QA approve"]);
		expect(verifySession(engine.dir)).toMatchObject({ ok: true, backupsChecked: 1 });
	});

	it("changes exactly one line of the config, keeping BOM, CRLF, comments and mode, and records the diff", async () => {
		const { app, sessions } = makeSandbox();
		chmodSync(join(app, "config.yaml"), 0o640);
		const engine = await start(app, sessions);
		await walk(engine);
		await engine.close();
		const after = readFileSync(join(app, "config.yaml"), "utf8");
		expect(after).toBe(CONFIG.replace("coordinator: false", "coordinator: true"));
		expect(statSync(join(app, "config.yaml")).mode & 0o777).toBe(0o640);
		const evidence = engine.state.results["enable-flag"]?.evidence as { previous: unknown; diff: string };
		expect(evidence.previous).toMatchObject({ present: true, value: false });
		expect(evidence.diff).toContain("-  coordinator: false  # flipped by the rollout");
		expect(evidence.diff).toContain("+  coordinator: true  # flipped by the rollout");
	});

	it("keeps the backup byte for byte, with its checksum and mode in the manifest, and notes absent optional paths", async () => {
		const { app, sessions } = makeSandbox();
		const engine = await start(app, sessions);
		await walk(engine);
		await engine.close();
		const [copy, absent] = readManifest(engine.dir);
		expect(copy).toMatchObject({ stepId: "backup", source: join(app, "config.yaml"), mode: 0o640 });
		expect(readFileSync(join(engine.dir, copy?.backup ?? ""), "utf8")).toBe(CONFIG);
		expect(absent).toEqual({ stepId: "backup", source: join(app, "missing.env"), absent: true });
	});

	it("writes through a symlink, which stays a link", async () => {
		const { app, sessions } = makeSandbox();
		const real = join(app, "real-config.yaml");
		writeFileSync(real, CONFIG);
		const { rmSync } = await import("node:fs");
		rmSync(join(app, "config.yaml"));
		symlinkSync(real, join(app, "config.yaml"));
		const engine = await start(app, sessions);
		await walk(engine);
		await engine.close();
		expect(statSync(join(app, "config.yaml"), { throwIfNoEntry: true }).isFile()).toBe(true);
		const { lstatSync } = await import("node:fs");
		expect(lstatSync(join(app, "config.yaml")).isSymbolicLink()).toBe(true);
		expect(readFileSync(real, "utf8")).toContain("coordinator: true");
	});

	it("records a flag that is already at its value as a no-op", async () => {
		const { app, sessions } = makeSandbox();
		writeFileSync(join(app, "config.yaml"), CONFIG.replace("coordinator: false", "coordinator: true"));
		const engine = await start(app, sessions);
		await walk(engine);
		await engine.close();
		expect(engine.state.results["enable-flag"]).toMatchObject({
			status: "passed",
			evidence: { noop: true, diff: "" },
		});
		expect(engine.state.results["enable-flag"]?.pendingEffects).toEqual([]);
	});

	it("says exactly which threshold failed, and a failed critical step stops the changes and makes it NO-GO", async () => {
		const { app, sessions } = makeSandbox({ passed: 37, failed: 3 });
		const engine = await start(app, sessions);
		const { result, lines } = await walk(engine);
		await engine.close();
		expect(lines.slice(0, 4)).toEqual([
			"backup passed",
			"unit-tests failed pass_rate 92.5 < 95",
			"junit-report skipped not run: critical step unit-tests failed",
			"enable-flag skipped not run: critical step unit-tests failed",
		]);
		expect(result.decision).toBe("NO-GO");
		expect(engine.state.decision?.reasons[0]).toBe("critical step unit-tests failed: pass_rate 92.5 < 95");
		expect(readFileSync(join(app, "config.yaml"), "utf8")).toBe(CONFIG);
	});

	it("fails a prompt with no answer, naming the step and the answers file, and a rejection means NO-GO", async () => {
		const { app, sessions } = makeSandbox();
		const engine = await start(app, sessions);
		const answers = answersFile(
			"answers:\n  approvals:\n    - { role: Tech Lead, name: A, decision: approve }\n    - { role: QA Lead, name: Q, decision: reject, comment: flaky }\n",
		);
		const { result, lines } = await walk(engine, answers);
		await engine.close();
		expect(lines).toContain(`smoke failed no answer for smoke in ${answers.file}`);
		expect(lines).toContain("approvals failed rejected by QA Lead");
		expect(result.decision).toBe("NO-GO");
	});

	it("changes nothing in a dry run and records what it would have done", async () => {
		const { app, sessions } = makeSandbox();
		const engine = await start(app, sessions, { dryRun: true });
		const { lines } = await walk(engine);
		await engine.close();
		expect(readFileSync(join(app, "config.yaml"), "utf8")).toBe(CONFIG);
		expect(lines[1]).toBe(
			`unit-tests skipped dry run: would run sleep $(cat ${app}/delay 2>/dev/null || echo 0); cat ${app}/pytest-output.txt`,
		);
		expect(lines[3]).toMatch(/^enable-flag skipped dry run: would change features.coordinator in /);
		expect((engine.state.results["enable-flag"]?.evidence as { diff: string }).diff).toContain(
			"+  coordinator: true",
		);
		expect(readManifest(engine.dir)).toEqual([]);
	});
});

describe("operator actions", () => {
	it("override needs a failed critical step and a reason; the decision becomes GO WITH CONDITIONS", async () => {
		const { app, sessions } = makeSandbox({ passed: 37, failed: 3 });
		const engine = await start(app, sessions);
		await engine.run("backup");
		await engine.run("unit-tests");
		expect(() => engine.override("backup", "x")).toThrow(EngineError);
		expect(() => engine.override("unit-tests", " ")).toThrow("an override needs a written reason");
		engine.override("unit-tests", "known flaky tests, tracked in OPS-7");
		await engine.run("junit-report");
		await engine.run("enable-flag");
		engine.answer("smoke", "pass");
		const decision = engine.decide("decision");
		await engine.close();
		expect(decision.outcome).toBe("GO WITH CONDITIONS");
		expect(decision.conditions).toContain(
			"unit-tests failed and was overridden: known flaky tests, tracked in OPS-7",
		);
	});

	it("lets the operator downgrade a decision, and upgrade a NO-GO only with written conditions", async () => {
		const { app, sessions } = makeSandbox();
		const engine = await start(app, sessions);
		engine.skip("backup", "no config on this host");
		await engine.run("unit-tests");
		await engine.run("junit-report");
		await engine.run("enable-flag");
		engine.answer("smoke", "fail", "502 from the gateway");
		expect(engine.proposeDecision("decision").outcome).toBe("NO-GO");
		expect(() => engine.decide("decision", { outcome: "GO WITH CONDITIONS" })).toThrow(
			/needs written conditions/,
		);
		expect(() => engine.decide("decision", { outcome: "GO" })).toThrow(
			/GO is not allowed when the rules say NO-GO/,
		);
		const decision = engine.decide("decision", {
			outcome: "GO WITH CONDITIONS",
			conditions: ["watch the gateway"],
			reason: "known issue",
		});
		await engine.close();
		expect(decision.conditions).toContain("watch the gateway");
		expect(decision.reasons).toContain("Dana Ops chose GO WITH CONDITIONS: known issue");
	});
});

describe("resume", () => {
	it("continues from the first unfinished step with every earlier result intact", async () => {
		const { app, sessions } = makeSandbox();
		const first = await start(app, sessions);
		await first.run("backup");
		await first.run("unit-tests");
		await first.close("stopped for lunch");
		const engine = await Engine.resume({ sessionsDir: sessions, id: first.id });
		expect(engine.current()?.step.id).toBe("junit-report");
		expect(engine.state.results["unit-tests"]?.metrics?.pass_rate).toBe(100);
		expect(engine.notices).toEqual([]);
		const { result } = await walk(engine);
		await engine.close();
		expect(result.decision).toBe("GO");
		expect(engine.state.resumes).toBe(1);
	});

	it("refuses a changed checklist, naming the steps that differ, unless told to accept it", async () => {
		const { app, sessions } = makeSandbox();
		const checklist = join(tempDir(), "checklist.yaml");
		writeFileSync(checklist, readFileSync(SANDBOX_CHECKLIST, "utf8"));
		const first = await Engine.start({
			checklistPath: checklist,
			vars: { app },
			operator: "D",
			sessionsDir: sessions,
		});
		await first.close();
		writeFileSync(checklist, readFileSync(checklist, "utf8").replace("value: 95", "value: 99"));
		await expect(Engine.resume({ sessionsDir: sessions, id: first.id })).rejects.toThrow(
			/changed since the session started \(steps that differ: unit-tests\); resume with --accept-changed-checklist/,
		);
		const engine = await Engine.resume({ sessionsDir: sessions, id: first.id, acceptChangedChecklist: true });
		await engine.close();
		expect(engine.notices).toContain("using the changed checklist; steps that differ: unit-tests");
	});
});
