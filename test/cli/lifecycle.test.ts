import { spawn } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { XMLParser } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { BIN, ROOT, runCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/temp.js";

const CHECKLIST = "test/fixtures/lifecycle/lifecycle.yaml";
const CONFIG = "# the service\nfeature: false # turned on by the rollout\n";

function answersFile(approval: string): string {
	const file = join(tempDir(), "answers.yaml");
	writeFileSync(file, `answers:\n  signoff:\n    - ${approval}\n`);
	return file;
}

const APPROVE = "{ role: Tech Lead, name: Ada Lead, decision: approve }";

/** A sandbox for the lifecycle checklist, and a `rollout` bound to its sessions folder. */
function sandbox() {
	const app = tempDir("lifecycle-app-");
	const sessions = tempDir("lifecycle-sessions-");
	writeFileSync(join(app, "config.yaml"), CONFIG);
	writeFileSync(join(app, "go"), "");
	const env = { ROLLOUT_CONFIG_DIR: tempDir(), ROLLOUT_LOCK_STALE_MS: "2000" };
	const cli = (...args: string[]) => runCli([...args, "--sessions-dir", sessions], { env });
	const run = (answers: string, ...vars: string[]) =>
		cli("run", CHECKLIST, "--answers", answers, "--var", `app=${app}`, ...vars.flatMap((v) => ["--var", v]));
	const config = () => readFileSync(join(app, "config.yaml"), "utf8");
	const list = () => JSON.parse(cli("list", "--json").stdout) as Record<string, unknown>[];
	const exports = (id: string) => {
		const text = (format: string) => cli("export", id, "--format", format, "--out", "-").stdout;
		return { md: text("md"), json: JSON.parse(text("json")), html: text("html"), junit: text("junit") };
	};
	return { app, sessions, env, cli, run, config, list, exports };
}

/** Runs the checklist held before its change phase (no go file), and kills it with SIGKILL once it has decided. */
async function crashAfterDecision(box: ReturnType<typeof sandbox>, answers: string): Promise<void> {
	rmSync(join(box.app, "go"));
	const args = [
		"run",
		CHECKLIST,
		"--answers",
		answers,
		"--var",
		`app=${box.app}`,
		"--sessions-dir",
		box.sessions,
	];
	const child = spawn(process.execPath, [BIN, ...args], {
		cwd: ROOT,
		env: { ...process.env, ...box.env },
		stdio: ["ignore", "pipe", "pipe"],
	});
	let stdout = "";
	child.stdout.on("data", (chunk) => {
		stdout += chunk;
	});
	const deadline = Date.now() + 15_000;
	while (!/^✓ decision/m.test(stdout) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
	await new Promise((r) => setTimeout(r, 200));
	child.kill("SIGKILL");
	await new Promise((resolve) => child.on("exit", resolve));
}

const sessionOf = (stdout: string) => /^session: (\S+)$/m.exec(stdout)?.[1] ?? "";

describe("a NO-GO", () => {
	it("stops the rollout: nothing after it changes anything, the run exits 1, every record says NO-GO", () => {
		const box = sandbox();
		const result = box.run(answersFile(APPROVE), "check=false");
		expect(result.code).toBe(1);
		// The decision's mark is its outcome: a NO-GO is a failure, never a green tick.
		expect(result.stdout).toMatch(/^✗ decision +failed .*NO-GO$/m);
		expect(result.stdout).toMatch(/^- flip +skipped/m);
		expect(result.stdout).toContain("not run: the outcome is NO-GO");
		expect(result.stdout).toMatch(/^✓ signoff +passed/m);
		expect(result.stdout).toContain("decision: NO-GO\n");
		expect(box.config()).toBe(CONFIG);
		const id = sessionOf(result.stdout);
		expect(box.list()[0]).toMatchObject({ id, status: "NO-GO", decision: "NO-GO" });
		const { md, json, html, junit } = box.exports(id);
		expect(md).toContain("## Outcome: NO-GO");
		expect(json.decision.outcome).toBe("NO-GO");
		expect(json.session.status).toBe("NO-GO");
		expect(html).toMatch(/<h2>Outcome <span[^>]*>NO-GO<\/span>/);
		const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" }).parse(junit);
		const decision = xml.testsuites.testsuite[0].testcase[2];
		expect(decision.name).toBe("decision: Go / No-Go");
		expect(decision.failure.message).toBe("NO-GO");
		expect(readFileSync(join(box.sessions, id, "signoff.md"), "utf8")).toContain("## Outcome: NO-GO");
	});

	it("comes from a rejected sign-off after a GO, and every format says NO-GO, not GO", () => {
		const box = sandbox();
		const result = box.run(
			answersFile("{ role: Tech Lead, name: Ada Lead, decision: reject, comment: not on a Friday }"),
		);
		expect(result.code).toBe(1);
		expect(result.stdout).toMatch(/^✓ decision +passed .*GO$/m);
		expect(result.stdout).toContain("decision: NO-GO\n");
		expect(result.stdout).toContain("Tech Lead (Ada Lead) rejected the sign-off");
		const id = sessionOf(result.stdout);
		const { md, json, html } = box.exports(id);
		expect(json.decision).toMatchObject({ outcome: "NO-GO", decided: "GO" });
		expect(json.session.status).toBe("NO-GO");
		expect(md).toContain("## Outcome: NO-GO");
		expect(md).not.toMatch(/Outcome: GO\b(?! WITH)/);
		expect(html).toContain(">NO-GO</span>");
		expect(html).not.toContain(">GO</span>");
		expect(box.list()[0]).toMatchObject({ status: "NO-GO" });
		expect(JSON.parse(box.cli("due", "--all", "--json").stdout)).toEqual([]);
	});

	it("comes from a sign-off that names a role the checklist does not have", () => {
		const box = sandbox();
		const result = box.run(answersFile("{ role: Release Captain, name: Ada Lead, decision: approve }"));
		expect(result.code).toBe(1);
		expect(result.stdout).toContain('signoff has no role "Release Captain"');
		expect(result.stdout).toContain("decision: NO-GO\n");
	});
});

describe("an interrupted session", () => {
	it("is in progress until it ends, with its decision shown apart, and resumes past the decision", async () => {
		const box = sandbox();
		const answers = answersFile(APPROVE);
		await crashAfterDecision(box, answers);
		const [row] = box.list();
		expect(row).toMatchObject({ status: "in progress", decision: "GO", done: 3, total: 6 });
		expect(box.cli("list").stdout).toContain("in progress (decided GO)");
		writeFileSync(join(box.app, "go"), "");
		const id = String(row?.id);
		const resumed = box.cli("resume", id, "--answers", answers);
		expect(resumed.code).toBe(0);
		expect(resumed.stdout).toMatch(/^✓ flip +passed/m);
		expect(resumed.stdout).toContain("decision: GO\n");
		expect(box.config()).toContain("feature: true");
		expect(box.list()[0]).toMatchObject({ status: "GO" });
		// Ended: frozen. Resuming it again is refused with one line.
		const again = box.cli("resume", id, "--answers", answers);
		expect(again.code).toBe(2);
		expect(again.stderr).toMatch(/^rollout: session \S+ has ended \(GO\); export it with: rollout export/);
	});

	it("cannot be abandoned once it has ended, nor without a reason", () => {
		const box = sandbox();
		const id = sessionOf(box.run(answersFile(APPROVE), "check=false").stdout);
		const ended = box.cli("abandon", id, "--reason", "changed our minds");
		expect(ended.code).toBe(2);
		expect(ended.stderr).toMatch(/^rollout: session \S+ has ended \(NO-GO\): it is frozen\n$/);
		expect(box.cli("abandon", id).code).toBe(2);
	});
});

describe("a session that ended", () => {
	it("after a rollback takes no follow-up and lists as rolled back", () => {
		const box = sandbox();
		const answers = answersFile(APPROVE);
		const id = sessionOf(box.run(answers).stdout);
		expect(box.list()[0]).toMatchObject({ status: "GO" });
		expect(box.cli("due", "--all", "--json").stdout).toContain('"followupId": "day-1"');
		expect(box.cli("rollback", id, "--yes").code).toBe(0);
		expect(box.config()).toBe(CONFIG);
		expect(box.list()[0]).toMatchObject({ status: "rolled back" });
		const followup = box.cli("followup", id, "day-1", "--answers", answers);
		expect(followup.code).toBe(2);
		expect(followup.stderr).toContain("follow-ups come after a session that ended GO or GO WITH CONDITIONS");
		expect(JSON.parse(box.cli("due", "--all", "--json").stdout)).toEqual([]);
		const { md, html, junit, json } = box.exports(id);
		for (const text of [md, html]) expect(text).toContain("Rollbacks carried out");
		expect(junit).toContain('name="rollback 1"');
		expect(json.rollbacks).toHaveLength(1);
		expect(readFileSync(join(box.sessions, id, "signoff.md"), "utf8")).toContain("Rollbacks carried out");
	});
});

describe("rollout abandon", () => {
	it("freezes an unfinished session with its reason", async () => {
		const box = sandbox();
		await crashAfterDecision(box, answersFile(APPROVE));
		const id = String(box.list()[0]?.id);
		const abandoned = box.cli("abandon", id, "--reason", "wrong maintenance window");
		expect(abandoned.code).toBe(0);
		expect(abandoned.stdout).toContain(`abandoned ${id}: wrong maintenance window`);
		expect(box.list()[0]).toMatchObject({ status: "abandoned" });
		const resumed = box.cli("resume", id, "--answers", answersFile(APPROVE));
		expect(resumed.code).toBe(2);
		expect(resumed.stderr).toContain("has ended (abandoned)");
		expect(box.cli("abandon", id, "--reason", "again").stderr).toContain("was abandoned");
		// What it changed can still be undone; the record keeps both.
		const rolledBack = box.cli("rollback", id, "--yes");
		expect(rolledBack.code, rolledBack.stdout + rolledBack.stderr).toBe(0);
		expect(box.list()[0]).toMatchObject({ status: "rolled back" });
		const { md, json, html } = box.exports(id);
		expect(md).toContain("| State | **rolled back** |");
		expect(md).toMatch(/\| Abandoned \| [^|]+: wrong maintenance window \|/);
		expect(html).toContain("wrong maintenance window");
		expect(json.session).toMatchObject({
			status: "rolled back",
			abandoned: { reason: "wrong maintenance window", at: expect.any(String) },
		});
	});
});

describe("rollout export --out", () => {
	it("says in one line why a path cannot take the export, and exits 2", () => {
		const box = sandbox();
		box.run(answersFile(APPROVE));
		const id = String(box.list()[0]?.id);
		const missing = join(box.app, "no-such-folder", "record.md");
		const result = box.cli("export", id, "--format", "md", "--out", missing);
		expect(result.code).toBe(2);
		expect(result.stderr).toBe(`rollout: cannot write ${missing}: its folder does not exist\n`);
		const folder = box.cli("export", id, "--format", "md", "--out", box.app);
		expect(folder.code).toBe(2);
		expect(folder.stderr).toBe(`rollout: cannot write ${box.app}: it is a folder\n`);
		expect(box.cli("export", id, "--format", "md", "--out", join(box.app, "record.md")).code).toBe(0);
		expect(readFileSync(join(box.app, "record.md"), "utf8")).toContain(id);
	});
});

describe("a closed pipe", () => {
	it("ends rollout list quietly (rollout list | head -1)", async () => {
		const box = sandbox();
		box.run(answersFile(APPROVE));
		box.run(answersFile(APPROVE));
		const child = spawn(process.execPath, [BIN, "list", "--sessions-dir", box.sessions], {
			cwd: ROOT,
			env: { ...process.env, ...box.env, FORCE_COLOR: "0" },
			stdio: ["ignore", "pipe", "pipe"],
		});
		// The reader goes away before rollout writes a line.
		child.stdout.destroy();
		let stderr = "";
		child.stderr.on("data", (chunk) => {
			stderr += chunk;
		});
		const code = await new Promise((resolve) => child.on("exit", resolve));
		expect(stderr).toBe("");
		expect(code).toBe(0);
	});
});
