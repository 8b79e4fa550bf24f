import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checklistJsonSchema } from "../../source/checklist/schema.js";
import { ROOT, runCli } from "../helpers/cli.js";
import { makeSession } from "../helpers/session.js";
import { tempDir } from "../helpers/temp.js";

describe("rollout --help and --version", () => {
	it("prints help with every command and exits 0", () => {
		const { code, stdout } = runCli(["--help"]);
		expect(code).toBe(0);
		for (const command of ["validate", "list", "verify", "config", "schema"])
			expect(stdout).toContain(command);
	});

	it("prints help for a command", () => {
		const { code, stdout } = runCli(["validate", "--help"]);
		expect(code).toBe(0);
		expect(stdout).toContain("--var <name=value>");
	});

	it("prints the package version", () => {
		const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
		expect(runCli(["--version"])).toMatchObject({ code: 0, stdout: `${version}\n` });
	});

	it("exits 2 with one line for an unknown command or option", () => {
		const unknown = runCli(["frobnicate"]);
		expect(unknown.code).toBe(2);
		expect(unknown.stderr).toMatch(/^error: unknown command 'frobnicate'/);
		expect(runCli(["list", "--bogus"]).code).toBe(2);
		expect(runCli(["validate"]).code).toBe(2);
	});
});

describe("rollout validate", () => {
	it("prints ok with phase and step counts, exit 0", () => {
		expect(runCli(["validate", "test/fixtures/valid/format-example.yaml"])).toMatchObject({
			code: 0,
			stdout: "ok test/fixtures/valid/format-example.yaml: 5 phases, 9 steps\n",
			stderr: "",
		});
	});

	it("prints every problem on stderr and exits 1 when any file is invalid", () => {
		const result = runCli([
			"validate",
			"test/fixtures/valid/format-example.yaml",
			"test/fixtures/invalid/unknown-keys.yaml",
			"test/fixtures/invalid/empty.yaml",
		]);
		expect(result.code).toBe(1);
		expect(result.stdout).toBe("ok test/fixtures/valid/format-example.yaml: 5 phases, 9 steps\n");
		expect(result.stderr.split("\n")).toEqual([
			'test/fixtures/invalid/unknown-keys.yaml:3:1: colour: unknown key "colour"',
			'test/fixtures/invalid/unknown-keys.yaml:12:9: phases[0].steps[0].retry: unknown key "retry"',
			"test/fixtures/invalid/empty.yaml: is empty",
			"",
		]);
	});

	it("takes --var overrides", () => {
		const file = "test/fixtures/invalid/missing-var.yaml";
		expect(runCli(["validate", file]).code).toBe(1);
		expect(runCli(["validate", file, "--var", "config_dir=conf"]).code).toBe(0);
		const bad = runCli(["validate", file, "--var", "no equals sign"]);
		expect(bad).toMatchObject({ code: 2, stderr: 'rollout: --var takes name=value, not "no equals sign"\n' });
	});

	it("never prints a stack trace", () => {
		for (const file of [
			"test/fixtures/invalid/binary.yaml",
			"test/fixtures",
			"nope.yaml",
			"test/fixtures/invalid/alias-bomb.yaml",
		]) {
			const { stderr } = runCli(["validate", file]);
			expect(stderr.trim().split("\n")).toHaveLength(1);
			expect(stderr).not.toMatch(/\n\s+at /);
		}
	});
});

describe("rollout schema", () => {
	it("prints the JSON Schema that is shipped in checklists/schema.json", () => {
		const { stdout } = runCli(["schema"]);
		expect(JSON.parse(stdout)).toEqual(checklistJsonSchema());
		expect(readFileSync(join(ROOT, "checklists", "schema.json"), "utf8")).toBe(stdout);
	});
});

describe("rollout list", () => {
	it("lists sessions newest first, as text and JSON", async () => {
		const sessions = tempDir();
		await makeSession(sessions, "20261123-091500-demo-ab12");
		await makeSession(sessions, "20261124-091500-demo-cd34");
		const json = runCli(["list", "--json", "--sessions-dir", sessions]);
		expect(json.code).toBe(0);
		const rows = JSON.parse(json.stdout);
		expect(rows.map((row: { id: string }) => row.id)).toEqual([
			"20261124-091500-demo-cd34",
			"20261123-091500-demo-ab12",
		]);
		expect(rows[0]).toMatchObject({
			title: "Demo rollout",
			status: "in progress",
			done: 1,
			total: 3,
			operator: "Dana Ops",
		});
		const text = runCli(["list", "--sessions-dir", sessions]).stdout.split("\n");
		expect(text[0]).toBe("20261124-091500-demo-cd34  in progress  1/3");
		expect(text[1]).toMatch(/^ {2}Demo rollout · Dana Ops · \d{4}-\d\d-\d\d \d\d:\d\d → \d\d:\d\d$/);
		for (const line of text) expect(line.length).toBeLessThanOrEqual(80);
	});

	it("says so when there are none", () => {
		const sessions = tempDir();
		expect(runCli(["list", "--sessions-dir", sessions]).stdout).toBe(`No sessions in ${sessions}.\n`);
	});

	it("finds the sessions dir: --sessions-dir, then ROLLOUT_SESSIONS_DIR, then the config, then ./sessions", async () => {
		const [flag, env, configured, cwd, configDir] = [tempDir(), tempDir(), tempDir(), tempDir(), tempDir()];
		await makeSession(flag, "20261101-000000-flag-aaaa");
		await makeSession(env, "20261102-000000-env-aaaa");
		await makeSession(configured, "20261103-000000-config-aaaa");
		mkdirSync(join(cwd, "sessions"));
		await makeSession(join(cwd, "sessions"), "20261104-000000-default-aaaa");
		const ids = (args: string[], vars: Record<string, string | undefined>) =>
			JSON.parse(
				runCli(["list", "--json", ...args], { cwd, env: { ROLLOUT_CONFIG_DIR: configDir, ...vars } }).stdout,
			).map((row: { id: string }) => row.id);
		expect(ids([], { ROLLOUT_SESSIONS_DIR: undefined })).toEqual(["20261104-000000-default-aaaa"]);
		expect(
			runCli(["config", "set", "sessionsDir", configured], { env: { ROLLOUT_CONFIG_DIR: configDir } }).code,
		).toBe(0);
		expect(ids([], { ROLLOUT_SESSIONS_DIR: undefined })).toEqual(["20261103-000000-config-aaaa"]);
		expect(ids([], { ROLLOUT_SESSIONS_DIR: env })).toEqual(["20261102-000000-env-aaaa"]);
		expect(ids(["--sessions-dir", flag], { ROLLOUT_SESSIONS_DIR: env })).toEqual([
			"20261101-000000-flag-aaaa",
		]);
	});
});

describe("rollout verify", () => {
	it("exits 0 for an intact session, found by a unique prefix", async () => {
		const sessions = tempDir();
		await makeSession(sessions);
		const result = runCli(["verify", "20261123-0915", "--sessions-dir", sessions]);
		expect(result.code).toBe(0);
		expect(result.stdout).toMatch(
			/^intact 20261123-091500-demo-ab12: 4 events, chain verified, head [0-9a-f]{12}\n$/,
		);
	});

	it("exits 1 naming the first bad line", async () => {
		const sessions = tempDir();
		const dir = await makeSession(sessions);
		const log = join(dir, "events.jsonl");
		writeFileSync(log, readFileSync(log, "utf8").replace('"attempt":1', '"attempt":2'));
		const result = runCli(["verify", "20261123-091500-demo-ab12", "--sessions-dir", sessions]);
		expect(result.code).toBe(1);
		expect(result.stderr).toBe(
			`broken 20261123-091500-demo-ab12: ${log}:2: hash does not match the record (it was edited)\n`,
		);
	});

	it("exits 2 for an unknown or unsafe session id", () => {
		const sessions = tempDir();
		expect(runCli(["verify", "nope", "--sessions-dir", sessions])).toMatchObject({
			code: 2,
			stderr: `rollout: no session "nope" in ${sessions}\n`,
		});
		expect(runCli(["verify", "../x", "--sessions-dir", sessions]).stderr).toBe(
			'rollout: "../x" is not a session id: it contains a path separator\n',
		);
	});
});

describe("rollout config", () => {
	it("sets, gets, unsets and locates settings", () => {
		const env = { ROLLOUT_CONFIG_DIR: tempDir() };
		expect(runCli(["config", "path"], { env }).stdout).toBe(
			`${join(env.ROLLOUT_CONFIG_DIR, "config.json")}\n`,
		);
		expect(runCli(["config", "set", "operator", "Dana Ops"], { env }).code).toBe(0);
		expect(runCli(["config", "set", "color", "off"], { env }).stdout).toBe("color=false\n");
		expect(runCli(["config", "get", "operator"], { env }).stdout).toBe("Dana Ops\n");
		expect(runCli(["config", "get"], { env }).stdout).toBe(
			"operator=Dana Ops\nsessionsDir=\ncolor=false\nflow=\n",
		);
		expect(runCli(["config", "set", "flow", "step"], { env }).stdout).toBe("flow=step\n");
		expect(runCli(["config", "set", "flow", "sometimes"], { env })).toMatchObject({
			code: 2,
			stderr: 'rollout: flow is auto or step, not "sometimes"\n',
		});
		expect(JSON.parse(readFileSync(join(env.ROLLOUT_CONFIG_DIR, "config.json"), "utf8"))).toEqual({
			operator: "Dana Ops",
			color: false,
			flow: "step",
		});
		expect(runCli(["config", "unset", "operator"], { env }).code).toBe(0);
		expect(runCli(["config", "get", "operator"], { env }).code).toBe(1);
	});

	it("refuses unknown settings and bad values with exit 2", () => {
		const env = { ROLLOUT_CONFIG_DIR: tempDir() };
		expect(runCli(["config", "set", "colour", "on"], { env })).toMatchObject({
			code: 2,
			stderr: 'rollout: unknown setting "colour": use one of operator, sessionsDir, color, flow\n',
		});
		expect(runCli(["config", "set", "color", "purple"], { env }).stderr).toBe(
			'rollout: color is on or off, not "purple"\n',
		);
	});
});

describe("colour", () => {
	it("is used when forced, and NO_COLOR or --no-color turn it off", () => {
		const args = ["validate", "test/fixtures/valid/format-example.yaml"];
		const colored = runCli(args, { env: { FORCE_COLOR: "1", NO_COLOR: undefined } });
		expect(colored.stdout).toContain("\u001b[32mok\u001b[39m");
		expect(runCli(args, { env: { FORCE_COLOR: "1", NO_COLOR: "1" } }).stdout).not.toContain("\u001b[");
		expect(
			runCli(["--no-color", ...args], { env: { FORCE_COLOR: "1", NO_COLOR: undefined } }).stdout,
		).not.toContain("\u001b[");
	});
});
