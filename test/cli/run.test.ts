import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { groupAlive } from "../../source/runner/run-command.js";
import { BIN, ROOT, runCli } from "../helpers/cli.js";
import { ANSWERS, CONFIG, makeSandbox, SANDBOX_CHECKLIST } from "../helpers/sandbox.js";
import { tempDir } from "../helpers/temp.js";

const env = { ROLLOUT_LOCK_STALE_MS: "2000", ROLLOUT_CONFIG_DIR: undefined as string | undefined };

function setup(options: { passed?: number; failed?: number } = {}) {
	const sandbox = makeSandbox(options);
	const answers = join(tempDir(), "answers.yaml");
	writeFileSync(answers, ANSWERS);
	const config = tempDir();
	const args = (...extra: string[]) => [
		"run",
		SANDBOX_CHECKLIST,
		"--answers",
		answers,
		"--var",
		`app=${sandbox.app}`,
		"--sessions-dir",
		sandbox.sessions,
		...extra,
	];
	return { ...sandbox, answers, args, env: { ...env, ROLLOUT_CONFIG_DIR: config } };
}

const sessionId = (stdout: string) => /^session: (\S+)$/m.exec(stdout)?.[1] ?? "";

async function until(check: () => boolean, ms = 10_000): Promise<void> {
	const deadline = Date.now() + ms;
	while (!check()) {
		if (Date.now() > deadline) throw new Error("timed out waiting");
		await new Promise((resolve) => setTimeout(resolve, 25));
	}
}

function spawnRun(args: string[], extraEnv: Record<string, string | undefined>) {
	const child = spawn(process.execPath, [BIN, ...args], {
		cwd: ROOT,
		env: { ...process.env, ...extraEnv } as NodeJS.ProcessEnv,
		stdio: ["ignore", "pipe", "pipe"],
	});
	let stdout = "";
	let stderr = "";
	child.stdout.on("data", (chunk) => {
		stdout += chunk;
	});
	child.stderr.on("data", (chunk) => {
		stderr += chunk;
	});
	const exit = new Promise<number | null>((resolve) =>
		child.on("exit", (code, signal) => resolve(code ?? (signal ? -1 : null))),
	);
	return { child, exit, output: () => ({ stdout, stderr }) };
}

/** The process group the session recorded for its running command, once it has one. */
function recordedPgid(sessions: string): number | undefined {
	for (const id of readdirSync(sessions)) {
		const log = join(sessions, id, "events.jsonl");
		// The folder exists a moment before its log does.
		if (!existsSync(log)) continue;
		const match = /"action":"run","detail":\{"command":"[^"]*","pgid":(\d+)\}/.exec(
			readFileSync(log, "utf8"),
		);
		if (match) return Number(match[1]);
	}
	return undefined;
}

describe("rollout run", () => {
	it("prints a line per step and ends with the decision and the session; exit 0 on GO", () => {
		const { args, env } = setup();
		const result = runCli(args(), { env });
		expect(result.stderr).toBe("");
		expect(result.code).toBe(0);
		const lines = result.stdout.trimEnd().split("\n");
		expect(lines[0]).toMatch(/^Sandbox rollout — session \d{8}-\d{6}-sandbox-rollout-[0-9a-z]{4}$/);
		expect(lines[1]).toMatch(/^✓ backup {25}passed +\S+ {2}1 file\(s\)$/);
		expect(lines[2]).toMatch(/^✓ unit-tests {21}passed +\S+ {2}pass_rate 100$/);
		expect(lines.at(-2)).toBe("decision: GO");
		expect(lines.at(-1)).toBe(`session: ${sessionId(result.stdout)}`);
		for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
	});

	it("exits 1 on NO-GO, naming the failed expectation", () => {
		const { args, env } = setup({ passed: 37, failed: 3 });
		const result = runCli(args(), { env });
		expect(result.code).toBe(1);
		expect(result.stdout).toContain("✗ unit-tests");
		expect(result.stdout).toContain("    pass_rate 92.5 < 95\n");
		expect(result.stdout).toContain("decision: NO-GO\n");
	});

	it("exits 2 for invalid input: checklist, answers file, unknown step in the answers", () => {
		const { args, env, answers } = setup();
		const badChecklist = runCli(["run", "test/fixtures/invalid/unknown-kind.yaml", "--answers", answers], {
			env,
		});
		expect(badChecklist).toMatchObject({ code: 2 });
		expect(badChecklist.stderr).toMatch(
			/unknown-kind\.yaml:8:15: phases\[0\]\.steps\[0\]\.kind: unknown kind "sleep"/,
		);
		writeFileSync(answers, "answers:\n  smoke: maybe\n");
		expect(runCli(args(), { env }).stderr).toMatch(/answers\.yaml: answers\.smoke: /);
		writeFileSync(answers, "answers:\n  smoak: pass\n");
		expect(runCli(args(), { env })).toMatchObject({
			code: 2,
			stderr: `rollout: ${answers}: no such step in the checklist: smoak\n`,
		});
		expect(runCli(["run", SANDBOX_CHECKLIST], { env }).code).toBe(2);
	});

	it("changes nothing with --dry-run and marks the session as a dry run", () => {
		const { args, env, app, sessions } = setup();
		const result = runCli(args("--dry-run"), { env });
		expect(result.stdout.split("\n")[0]).toContain("(dry run: nothing is changed, no command runs)");
		expect(readFileSync(join(app, "config.yaml"), "utf8")).toBe(CONFIG);
		const listed = JSON.parse(runCli(["list", "--json", "--sessions-dir", sessions], { env }).stdout);
		expect(listed[0]).toMatchObject({ dryRun: true });
	});

	it("on SIGINT mid-command kills the command's group, records the interruption, exits 130, and resumes", async () => {
		const { args, env, app, sessions, answers } = setup();
		writeFileSync(join(app, "delay"), "30");
		const run = spawnRun(args(), env);
		let pgid: number | undefined;
		await until(() => {
			pgid = recordedPgid(sessions);
			return pgid !== undefined;
		});
		run.child.kill("SIGINT");
		expect(await run.exit).toBe(130);
		const { stdout, stderr } = run.output();
		expect(stderr).toContain("SIGINT: stopping the running command; the session is kept");
		expect(stdout).toContain("! unit-tests");
		await until(() => !groupAlive(pgid ?? 0), 5000);
		const id = sessionId(stdout);
		expect(runCli(["verify", id, "--sessions-dir", sessions], { env }).code).toBe(0);
		const events = readFileSync(join(sessions, id, "events.jsonl"), "utf8");
		expect(events).toContain('"type":"step.interrupted"');
		rmSync(join(app, "delay"));
		const resumed = runCli(["resume", id, "--answers", answers, "--sessions-dir", sessions], { env });
		expect(resumed.code).toBe(0);
		expect(resumed.stdout.split("\n")[1]).toMatch(/^✓ unit-tests/);
		expect(resumed.stdout).toContain("decision: GO");
		const state = JSON.parse(readFileSync(join(sessions, id, "session.json"), "utf8")).state;
		expect(state.results["unit-tests"].attempts).toBe(2);
	});

	it("still records the interruption when the operator comes from the config (reading settings hooks no signal)", async () => {
		const { args, env, app, sessions, answers } = setup();
		writeFileSync(answers, ANSWERS.replace("operator: Dana Ops\n", ""));
		expect(runCli(["config", "set", "operator", "Conf Igured"], { env }).code).toBe(0);
		writeFileSync(join(app, "delay"), "30");
		const run = spawnRun(args(), env);
		await until(() => recordedPgid(sessions) !== undefined);
		run.child.kill("SIGINT");
		expect(await run.exit).toBe(130);
		expect(run.output().stdout).toContain("! unit-tests");
		expect(run.output().stdout).toMatch(/^interrupted — resume with: rollout resume /m);
		const [listed] = JSON.parse(runCli(["list", "--json", "--sessions-dir", sessions], { env }).stdout);
		expect(listed.operator).toBe("Conf Igured");
	});

	it("after kill -9 at random points, every session verifies and resumes to a decision", async () => {
		for (let round = 0; round < 4; round++) {
			const { args, env, app, sessions, answers } = setup();
			writeFileSync(join(app, "delay"), "0.3");
			const run = spawnRun(args(), env);
			await until(() => readdirSync(sessions).length > 0);
			await new Promise((resolve) => setTimeout(resolve, Math.random() * 600));
			run.child.kill("SIGKILL");
			await run.exit;
			const [id = ""] = readdirSync(sessions);
			const verified = runCli(["verify", id, "--sessions-dir", sessions], { env });
			expect(verified.code, verified.stderr).toBe(0);
			rmSync(join(app, "delay"));
			const [listed] = JSON.parse(runCli(["list", "--json", "--sessions-dir", sessions], { env }).stdout);
			if (listed.status === "in progress") {
				const resumed = runCli(["resume", id, "--answers", answers, "--sessions-dir", sessions], { env });
				expect(resumed.code, resumed.stderr).toBe(0);
				expect(resumed.stdout).toContain("decision: GO");
			}
			expect(runCli(["verify", id, "--sessions-dir", sessions], { env }).code).toBe(0);
			expect(readFileSync(join(app, "config.yaml"), "utf8")).toBe(
				CONFIG.replace("coordinator: false", "coordinator: true"),
			);
		}
	}, 120_000);
});

describe("rollout run with monitors", () => {
	it("prints each monitor's outcome line and records its readings", () => {
		const dir = tempDir();
		const checklist = join(dir, "watch.yaml");
		writeFileSync(
			checklist,
			`id: watch
title: Watch
phases:
  - id: watch
    title: Watch
    steps:
      - id: error-rate
        kind: monitor
        title: Error rate (%)
        source: { command: "echo 0.30" }
        samples: 2
        interval: 10ms
        warn: "> 0.5"
        critical: "> 1"
      - id: latency
        kind: monitor
        title: Latency
        source: { command: "echo 250" }
        critical: "> 200"
        onCritical: rollback
`,
		);
		const answers = join(dir, "answers.yaml");
		writeFileSync(answers, "answers: {}\n");
		const sessions = join(dir, "sessions");
		const result = runCli(["run", checklist, "--answers", answers, "--sessions-dir", sessions], { env });
		expect(result.stdout).toContain("✓ error-rate: ok — 0.3 (warn > 0.5, critical > 1), 2 samples\n");
		expect(result.stdout).toContain(
			"✗ latency: critical — 250 (critical > 200), 1 sample\n    250 breached the critical level > 200: roll back\n",
		);
		// No decision step: the session ends with what the rules say over every step, and why.
		expect(result.stdout).toContain("decision: NO-GO\n");
		expect(result.stdout).toContain(
			"  critical step latency failed: 250 breached the critical level > 200: roll back\n",
		);
		expect(result.code).toBe(1);
		const id = sessionId(result.stdout);
		const readings = readFileSync(join(sessions, id, "events.jsonl"), "utf8")
			.trim()
			.split("\n")
			.map((line) => JSON.parse(line))
			.filter((record) => record.type === "monitor.reading");
		expect(readings.map((record) => [record.data.stepId, record.data.value])).toEqual([
			["error-rate", 0.3],
			["error-rate", 0.3],
			["latency", 250],
		]);
	});
});

describe("the demo", () => {
	it("runs to GO with Node alone, and rolls back to the service's original config", () => {
		const cwd = tempDir();
		const demoEnv = { ...env, ROLLOUT_CONFIG_DIR: tempDir() };
		const demoHome = join(ROOT, "checklists", "demo");
		const run = runCli(
			[
				"run",
				join(ROOT, "checklists/demo.yaml"),
				"--answers",
				join(ROOT, "checklists/answers/demo.yaml"),
				"--var",
				`demo_home=${demoHome}`,
			],
			{ cwd, env: demoEnv },
		);
		expect(run.stdout).toContain("decision: GO\n");
		expect(run.code).toBe(0);
		const config = join(cwd, ".rollout-demo", "config.yaml");
		expect(readFileSync(config, "utf8")).toContain("new_checkout: true   # the rollout turns this on");
		const id = sessionId(run.stdout);
		const rollback = runCli(["rollback", id, "--yes"], { cwd, env: demoEnv });
		expect(rollback.code).toBe(0);
		expect(readFileSync(config, "utf8")).toContain("new_checkout: false   # the rollout turns this on");
		expect(runCli(["verify", id], { cwd, env: demoEnv }).code).toBe(0);
	});
});
