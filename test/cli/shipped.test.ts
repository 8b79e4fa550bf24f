import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatProblem } from "../../source/checklist/errors.js";
import { loadChecklistFile } from "../../source/checklist/load.js";
import { placedSteps } from "../../source/checklist/steps.js";
import { ROOT, runCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/temp.js";

const shipped = readdirSync(join(ROOT, "checklists"))
	.filter((name) => name.endsWith(".yaml"))
	.map((name) => `checklists/${name}`);

describe("the shipped checklists", () => {
	it("all validate", () => {
		const result = runCli(["validate", ...shipped]);
		expect(result.stderr).toBe("");
		expect(result.code).toBe(0);
		expect(result.stdout.trim().split("\n")).toHaveLength(shipped.length);
	});

	it.each(shipped)("%s walks to its decision in a dry run, changing nothing", (file) => {
		const dir = tempDir();
		writeFileSync(join(dir, "answers.yaml"), "answers: {}\n");
		const result = runCli(
			[
				"run",
				file,
				"--answers",
				join(dir, "answers.yaml"),
				"--dry-run",
				"--sessions-dir",
				join(dir, "sessions"),
			],
			{
				env: { ROLLOUT_CONFIG_DIR: dir },
			},
		);
		expect(result.stderr).toBe("");
		expect(result.stdout.split("\n")[0]).toContain("(dry run: nothing is changed, no command runs)");
		expect(result.stdout).toMatch(/^decision: (GO|NO-GO|GO WITH CONDITIONS)$/m);
		expect([0, 1]).toContain(result.code);
	});

	/**
	 * The files each checklist reads before anything changes (the configuration it backs up, the
	 * flag file), made in a temp folder and named with --var: a dry run on a clean clone then
	 * stands where an operator's machine would.
	 */
	const machines: Record<string, (dir: string) => string[]> = {
		"checklists/coordinator-orchestrator-rollout.yaml": (dir) => {
			write(dir, "victor/profiles.yaml", "use_coordinator_orchestrator: false\n");
			write(dir, "repo/.victor/init.md", "# project\n");
			return ["--var", `victor_home=${dir}/victor`, "--var", `repo=${dir}/repo`];
		},
		"checklists/staging-validation.yaml": (dir) => {
			write(dir, "repo/config/staging.yml", "env: staging\n");
			write(dir, "repo/.env", "LOG_LEVEL=info\n");
			return ["--var", `repo=${dir}/repo`];
		},
		"checklists/production-signoff.yaml": () => [],
		"checklists/demo.yaml": (dir) => {
			const made = spawnNode(["checklists/demo/setup.mjs", join(dir, "sandbox")]);
			expect(made).toBe(0);
			return ["--var", `sandbox=${dir}/sandbox`];
		},
	};

	it("each has an answers file and a machine for its dry run", () => {
		for (const file of shipped) {
			expect(existsSync(join(ROOT, answersOf(file))), answersOf(file)).toBe(true);
			expect(Object.keys(machines)).toContain(file);
		}
	});

	it.each(shipped)("%s walks unattended with its answers file to GO WITH CONDITIONS in a dry run", (file) => {
		const dir = tempDir();
		const vars = machines[file]?.(dir) ?? [];
		const sessions = join(dir, "sessions");
		const result = runCli(
			["run", file, "--answers", answersOf(file), "--dry-run", "--sessions-dir", sessions, ...vars],
			{
				env: { ROLLOUT_CONFIG_DIR: dir },
			},
		);
		expect(result.stderr).toBe("");
		// Every prompt and sign-off is answered: nothing is skipped for want of an answer.
		expect(result.stdout).not.toContain("no answer for");
		expect(result.stdout).not.toContain("no approvals for");
		expect(result.stdout).not.toMatch(/^✗/m);
		// What the dry run did not run is the condition; nothing failed.
		expect(result.stdout).toMatch(/^decision: GO WITH CONDITIONS$/m);
		expect(result.code).toBe(0);
		const session = /^session: (\S+)$/m.exec(result.stdout)?.[1] ?? "";
		const exported = runCli(["export", session, "--format", "md", "--sessions-dir", sessions], {
			env: { ROLLOUT_CONFIG_DIR: dir },
		});
		expect(exported.code).toBe(0);
		const record = readFileSync(join(sessions, session, "report.md"), "utf8");
		expect(record).toMatch(/totals: \d+ items, \d+ completed, 0 failed/);
		for (const shown of TYPED[file] ?? []) expect(record).toContain(shown);
	});
});

/** Typed answers each record must show, as the auditor reads them beside the runbook. */
const TYPED: Record<string, string[]> = {
	"checklists/coordinator-orchestrator-rollout.yaml": [
		"Actual: 38 ms (expected < 50 ms) ✓",
		"Tested by: Ann Lee",
		"Technical risk: LOW",
		"Document status: APPROVED (passes: APPROVED) ✓",
		"CTO: Cyrus Tan",
	],
	"checklists/staging-validation.yaml": [
		"Deployment method: Automated Script",
		"Overall routing time: 152 ms (expected < 200 ms) ✓",
		"Emergency Hotline: +1 555 0199",
	],
};

function answersOf(file: string): string {
	return file.replace("checklists/", "checklists/answers/");
}

function write(dir: string, name: string, text: string): void {
	mkdirSync(dirname(join(dir, name)), { recursive: true });
	writeFileSync(join(dir, name), text);
}

function spawnNode(args: string[]): number | null {
	return spawnSync(process.execPath, args, { cwd: ROOT, stdio: "ignore" }).status;
}

describe("the shipped checklists say what their runbooks say", () => {
	const steps = (file: string) => {
		const result = loadChecklistFile(join(ROOT, file));
		if (!result.ok) throw new Error(result.problems.map(formatProblem).join("\n"));
		const byId = new Map(placedSteps(result.loaded.checklist).map(({ step }) => [step.id, step] as const));
		return { checklist: result.loaded.checklist, step: (id: string) => byId.get(id) };
	};

	it("coordinator rollout: every integration test is a gate, the GO criteria must pass, the report's rollback form runs", () => {
		const { step, checklist } = steps("checklists/coordinator-orchestrator-rollout.yaml");
		expect(step("integration-tests-all-pass")).toMatchObject({ critical: true, must: true });
		for (const id of [
			"unit-tests",
			"integration-tests",
			"smoke-tests",
			"coverage",
			"rollback-plan-documented",
		])
			expect(step(id)?.must, id).toBe(true);
		expect(checklist.rollback?.steps?.map((item) => item.kind === "command" && item.run)).toContain(
			"python scripts/toggle_coordinator_orchestrator.py disable --backup",
		);
		expect(step("contacts")).toMatchObject({
			kind: "prompt",
			fields: expect.arrayContaining([expect.objectContaining({ name: "cto" })]),
		});
		expect(step("document-status")).toMatchObject({
			fields: [
				expect.objectContaining({ choices: ["DRAFT", "UNDER REVIEW", "APPROVED"], pass: ["APPROVED"] }),
				expect.anything(),
			],
		});
	});

	it("staging validation: the MUST PASS items, the > 95 % rule, the databases in the pre-deployment backup", () => {
		const { step, checklist } = steps("checklists/staging-validation.yaml");
		expect(checklist.decision?.passRate).toEqual({ op: ">", value: 95 });
		for (const id of [
			"smoke-suite",
			"bandit-scan",
			"safety-scan",
			"error-rate",
			"uptime-48h",
			"rollback-procedure-verified",
			"cost-within-budget",
			"baseline-overall",
		])
			expect(step(id)?.must, id).toBe(true);
		const backup = step("pre-deployment-backup");
		expect(backup?.kind === "backup" && backup.paths.some((path) => path.endsWith("mongodb.archive"))).toBe(
			true,
		);
		expect(step("rejected-failing-items")?.when).toEqual({ decision: "NO-GO" });
		expect(step("approved-schedule-deployment")?.when).toEqual({ decision: ["GO", "GO WITH CONDITIONS"] });
	});
});
