import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isSecretName } from "../../source/checklist/secret-names.js";
import { createMasker, extendMasker } from "../../source/runner/mask.js";
import { runCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/temp.js";

const TOKEN = "tok-SuperSecretValue123";
const DB_PASS = "db-pass-Hunter2xyz";
const WEBHOOK = "https://hooks.example.test/T000/B000/WebhookSecret42";
const RELEASE = "release-code-Zebra77";
// Built by the command as it runs, so they appear only in its output, never in the checklist.
const OUTPUT_PASS = "hunter2hunter2";
const OUTPUT_TOKEN = "abcd1234efgh";
const halves = (value: string) => `$(printf %s ${value.slice(0, 6)})${value.slice(6)}`;
const SECRETS = [TOKEN, DB_PASS, WEBHOOK, RELEASE, OUTPUT_PASS, OUTPUT_TOKEN];

const CHECKLIST = `id: secrets
title: Secrets stay secret
vars:
  api_token: null
  DB_PASS: ${DB_PASS}
  SLACK_WEBHOOK_URL: ${WEBHOOK}
  release_code: { secret: true }
phases:
  - id: p
    title: P
    steps:
      - id: shell
        title: Shell string
        kind: command
        run: echo token ${"${api_token}"} code ${"${release_code}"}; echo password=${halves(OUTPUT_PASS)} token=${halves(OUTPUT_TOKEN)}
      - id: argv
        title: Argument list and env
        kind: command
        run: ["sh", "-c", "echo \\"$1\\" \\"$HOOK\\"", "sh", "Bearer ${"${api_token}"}"]
        env: { HOOK: "${"${SLACK_WEBHOOK_URL}"}", PASS: "${"${DB_PASS}"}" }
      - id: failing
        title: Fails, showing its output
        kind: command
        run: echo db said password=${halves(OUTPUT_PASS)}; exit 3
      - id: decide
        title: Decide
        kind: decision
rollback:
  steps:
    - id: undo
      title: Undo with the token
      kind: command
      run: printf %s ${"${api_token}"} > got-token.txt
`;

/** Runs the secrets checklist unattended in a fresh folder, the token given with --var. */
function runSecretsChecklist(env: Record<string, string> = {}) {
	const dir = tempDir();
	const sessions = join(dir, "sessions");
	writeFileSync(join(dir, "checklist.yaml"), CHECKLIST);
	writeFileSync(join(dir, "answers.yaml"), "answers: {}\n");
	const args = ["run", "checklist.yaml", "--var", `api_token=${TOKEN}`, "--answers", "answers.yaml"];
	const run = runCli([...args, "--sessions-dir", sessions], { cwd: dir, env });
	return { dir, sessions, run };
}

function filesUnder(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		return statSync(path).isDirectory() ? filesUnder(path) : [path];
	});
}

describe("secrets never reach a file, a screen or an export", () => {
	it("a --var token, secret-looking names, a declared secret and password=… output are masked everywhere", () => {
		const { dir, sessions, run } = runSecretsChecklist({ ROLLOUT_SECRET_RELEASE_CODE: RELEASE });
		expect(run.stdout).toContain("failing");
		const [id] = readdirSync(sessions);
		if (!id) return expect.fail("no session was created");
		const exports = join(dir, "exports");
		mkdirSync(exports);
		const outputs = [run.stdout, run.stderr];
		for (const format of ["md", "html", "json", "junit"]) {
			const inside = runCli(["export", id, "--format", format, "--sessions-dir", sessions], { cwd: dir });
			expect(inside.code).toBe(0);
			const out = runCli(
				[
					"export",
					id,
					"--format",
					format,
					"--out",
					join(exports, `report.${format}`),
					"--sessions-dir",
					sessions,
				],
				{ cwd: dir },
			);
			expect(out.code).toBe(0);
			const stdout = runCli(["export", id, "--format", format, "--out", "-", "--sessions-dir", sessions], {
				cwd: dir,
			});
			outputs.push(stdout.stdout);
		}
		const files = [...filesUnder(join(sessions, id)), ...filesUnder(exports)];
		expect(files.map((file) => file.slice(join(sessions, id).length))).toEqual(
			expect.arrayContaining(["/events.jsonl", "/session.json", "/logs/shell.log", "/rollback-plan.sh"]),
		);
		for (const file of files) {
			const text = readFileSync(file, "utf8");
			for (const secret of SECRETS)
				expect({ file, found: text.includes(secret) }).toEqual({ file, found: false });
		}
		for (const text of outputs) for (const secret of SECRETS) expect(text).not.toContain(secret);
		const log = readFileSync(join(sessions, id, "logs", "shell.log"), "utf8");
		expect(log).toContain("$ echo token *** code ***;");
		expect(log).toContain("password=*** token=***");
	});

	it("the rollback script reads the secret from ROLLOUT_SECRET_<NAME>, and refuses without it", () => {
		const { dir, sessions } = runSecretsChecklist({ ROLLOUT_SECRET_RELEASE_CODE: RELEASE });
		const [id] = readdirSync(sessions);
		const script = join(sessions, id ?? "", "rollback-plan.sh");
		const without = spawnSync("sh", [script], {
			cwd: dir,
			encoding: "utf8",
			env: { PATH: process.env.PATH },
		});
		expect(without.status).not.toBe(0);
		expect(without.stderr).toContain(
			"set ROLLOUT_SECRET_API_TOKEN to the secret api_token before running this script",
		);
		const withIt = spawnSync("sh", [script], {
			cwd: dir,
			encoding: "utf8",
			env: { PATH: process.env.PATH, ROLLOUT_SECRET_API_TOKEN: TOKEN },
		});
		expect(withIt.status).toBe(0);
		expect(readFileSync(join(dir, "got-token.txt"), "utf8")).toBe(TOKEN);
	});

	it("rollout rollback takes the secret from the environment, and says which one is missing", () => {
		const { dir, sessions } = runSecretsChecklist();
		const [id] = readdirSync(sessions);
		const missing = runCli(["rollback", id ?? "", "--yes", "--sessions-dir", sessions], { cwd: dir });
		expect(missing.code).toBe(1);
		expect(missing.stdout + missing.stderr).toContain(
			"needs the secret api_token: set ROLLOUT_SECRET_API_TOKEN in the environment",
		);
		const done = runCli(["rollback", id ?? "", "--yes", "--sessions-dir", sessions], {
			cwd: dir,
			env: { ROLLOUT_SECRET_API_TOKEN: TOKEN },
		});
		expect(done.code).toBe(0);
		expect(readFileSync(join(dir, "got-token.txt"), "utf8")).toBe(TOKEN);
		for (const file of filesUnder(join(sessions, id ?? "")))
			expect(readFileSync(file, "utf8")).not.toContain(TOKEN);
	});
});

describe("what counts as a secret", () => {
	it.each([
		"api_token",
		"DB_PASS",
		"DB_PASSWORD",
		"SLACK_WEBHOOK_URL",
		"SENTRY_DSN",
		"PRIVATE_KEY",
		"API_KEY",
		"apiKey",
		"client_secret",
		"GITHUB_TOKEN",
		"AWS_SECRET_ACCESS_KEY",
		"basic_auth",
		"CREDENTIALS_FILE",
		"MYSQL_PWD",
	])("%s is a secret name", (name) => {
		expect(isSecretName(name)).toBe(true);
	});

	it.each([
		"PWD",
		"OLDPWD",
		"min_pass_rate",
		"monkey",
		"repo",
		"victor_home",
		"pass_count",
		"SSH_AUTH_SOCK",
	])("%s is not", (name) => {
		expect(isSecretName(name)).toBe(false);
	});

	it("masks key=value and key: value pairs, keeping the key", () => {
		const mask = createMasker({});
		expect(mask("password=hunter2 token=abcd1234 user=bob")).toBe("password=*** token=*** user=bob");
		expect(mask('{"client_secret": "s3cr3t", "passed": 3}')).toBe('{"client_secret": "***", "passed": 3}');
		expect(mask("X-Auth-Token: abc.def")).toBe("X-Auth-Token: ***");
		expect(mask("3 passed, 1 failed")).toBe("3 passed, 1 failed");
	});

	it("masks the values of secret-named environment variables and of extra secrets", () => {
		const mask = extendMasker(createMasker({ DB_PASS: "pa55word!", PWD: "/home/op" }), ["extra-secret"]);
		expect(mask("connect pa55word! in /home/op with extra-secret")).toBe("connect *** in /home/op with ***");
	});
});

describe("a flag's diff", () => {
	it("hides secret pairs on the neighbouring lines of the config it edits", () => {
		const dir = tempDir();
		const sessions = join(dir, "sessions");
		writeFileSync(
			join(dir, "app.yaml"),
			"db_password: PlainS3cretInConfig\nfeature: false\napi_token: AnotherS3cretValue\n",
			{ mode: 0o600 },
		);
		writeFileSync(
			join(dir, "checklist.yaml"),
			"id: diff\ntitle: Diff\nphases:\n  - id: p\n    title: P\n    steps:\n      - { id: flip, title: Flip, kind: flag, file: app.yaml, key: feature, value: true }\n",
		);
		writeFileSync(join(dir, "answers.yaml"), "answers: {}\n");
		const run = runCli(["run", "checklist.yaml", "--answers", "answers.yaml", "--sessions-dir", sessions], {
			cwd: dir,
		});
		expect(run.code).toBe(0);
		const [id = ""] = readdirSync(sessions);
		expect(runCli(["export", id, "--format", "md", "--sessions-dir", sessions], { cwd: dir }).code).toBe(0);
		const files = filesUnder(join(sessions, id));
		expect(readFileSync(join(sessions, id, "events.jsonl"), "utf8")).toContain("+feature: true");
		for (const file of files) {
			const text = readFileSync(file, "utf8");
			expect(text, file).not.toContain("PlainS3cretInConfig");
			expect(text, file).not.toContain("AnotherS3cretValue");
			expect(statSync(file).mode & 0o077, file).toBe(0);
		}
	});
});
