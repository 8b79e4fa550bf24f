import {
	chmodSync,
	mkdirSync,
	readdirSync,
	readFileSync,
	statSync,
	symlinkSync,
	unlinkSync,
	writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { BackupEntry } from "../../source/session/manifest.js";
import { runCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/temp.js";

const CONFIG = "name: app\nfeature: false\n";

const FLAG = `      - id: flip
        title: Turn the feature on
        kind: flag
        file: \${config}
        key: feature
        value: true
`;
/** Rewrites the config with a new mode, so a rollback has to restore it from its backup. */
const REWRITE =
	"      - id: rewrite\n        title: Rewrite the config\n        kind: command\n        run: \"rm conf.yaml && echo 'feature: true' > conf.yaml && chmod 600 conf.yaml\"\n";

function checklist(dir: string, between = "", last = FLAG): void {
	writeFileSync(
		join(dir, "checklist.yaml"),
		`id: links
title: Links and modes
vars:
  config: conf.yaml
phases:
  - id: p
    title: P
    steps:
      - id: save
        title: Back up the config
        kind: backup
        paths: ["\${config}"]
${between}${last}`,
	);
	writeFileSync(join(dir, "answers.yaml"), "answers: {}\n");
}

function run(dir: string, env: Record<string, string> = {}) {
	const result = runCli(
		["run", "checklist.yaml", "--answers", "answers.yaml", "--sessions-dir", "sessions"],
		{
			cwd: dir,
			env,
		},
	);
	const [id] = readdirSync(join(dir, "sessions"));
	return { ...result, id: id ?? "", session: join(dir, "sessions", id ?? "") };
}

function manifest(session: string): BackupEntry[] {
	return (
		JSON.parse(readFileSync(join(session, "backups", "manifest.json"), "utf8")) as { entries: BackupEntry[] }
	).entries;
}

const mode = (path: string) => statSync(path).mode & 0o7777;

function filesUnder(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		return statSync(path).isDirectory() ? [path, ...filesUnder(path)] : [path];
	});
}

/** A config reached through a link: conf.yaml → real/conf.yaml. */
function linkedConfig(dir: string): string {
	mkdirSync(join(dir, "real"));
	const real = join(dir, "real", "conf.yaml");
	writeFileSync(real, CONFIG);
	symlinkSync(join("real", "conf.yaml"), join(dir, "conf.yaml"));
	return real;
}

describe("a config reached through a symbolic link", () => {
	it("is backed up as the file it points to, with the link and the real path recorded", () => {
		const dir = tempDir();
		const real = linkedConfig(dir);
		checklist(dir);
		const result = run(dir);
		expect(result.code).toBe(0);
		const [entry] = manifest(result.session);
		expect(entry).toMatchObject({ source: join(dir, "conf.yaml"), realPath: real, size: CONFIG.length });
		expect(readFileSync(join(result.session, entry?.backup ?? ""), "utf8")).toBe(CONFIG);
		const events = readFileSync(join(result.session, "events.jsonl"), "utf8");
		expect(events).toContain(`"realPath":"${real}"`);
	});

	it("keeps the changed-since-backup guard: a change after the backup stops the flag", () => {
		const dir = tempDir();
		const real = linkedConfig(dir);
		checklist(
			dir,
			"      - id: meddle\n        title: Someone edits the config\n        kind: command\n        run: \"echo 'extra: 1' >> real/conf.yaml\"\n",
		);
		const result = run(dir);
		expect(result.stdout).toContain("changed since it was backed up in this session");
		expect(readFileSync(real, "utf8")).toBe(`${CONFIG}extra: 1\n`);
	});

	it.each([
		[
			"a restore",
			REWRITE,
			(conf: string, other: string) =>
				`${conf} now leads to ${other}, not to ${conf} as when it was backed up: refusing to write through it`,
		],
		["a flag revert", FLAG, (conf: string) => `${conf} is a symbolic link now: refusing to write through it`],
	])("%s refuses to write through a link planted after the run", (_what, last, message) => {
		const dir = tempDir();
		writeFileSync(join(dir, "conf.yaml"), CONFIG);
		const other = join(dir, "other.yaml");
		writeFileSync(other, "feature: true\n");
		checklist(dir, "", last);
		const result = run(dir);
		expect(result.code).toBe(0);
		unlinkSync(join(dir, "conf.yaml"));
		symlinkSync(other, join(dir, "conf.yaml"));
		const rollback = runCli(["rollback", result.id, "--yes", "--sessions-dir", "sessions"], { cwd: dir });
		expect(rollback.code).toBe(1);
		expect(rollback.stdout + rollback.stderr).toContain(message(join(dir, "conf.yaml"), other));
		expect(readFileSync(other, "utf8")).toBe("feature: true\n");
	});
});

describe("session files are private by default", () => {
	it("folders 0700, files 0600 (the script 0700); a backup keeps its source's mode only in the manifest", () => {
		const dir = tempDir();
		writeFileSync(join(dir, "conf.yaml"), CONFIG);
		chmodSync(join(dir, "conf.yaml"), 0o644);
		checklist(dir, "", REWRITE);
		const result = run(dir);
		expect(result.code).toBe(0);
		expect(mode(join(dir, "sessions"))).toBe(0o700);
		for (const path of [result.session, ...filesUnder(result.session)]) {
			const expected = statSync(path).isDirectory() || path.endsWith("rollback-plan.sh") ? 0o700 : 0o600;
			expect({ path, mode: mode(path).toString(8) }).toEqual({ path, mode: expected.toString(8) });
		}
		expect(manifest(result.session)[0]?.mode).toBe(0o644);
		expect(mode(join(dir, "conf.yaml"))).toBe(0o600);
		const rollback = runCli(["rollback", result.id, "--yes", "--sessions-dir", "sessions"], { cwd: dir });
		expect(rollback.code).toBe(0);
		expect(readFileSync(join(dir, "conf.yaml"), "utf8")).toBe(CONFIG);
		expect(mode(join(dir, "conf.yaml"))).toBe(0o644);
	});

	it("ROLLOUT_SHARE=group opens them to the folder's group", () => {
		const dir = tempDir();
		writeFileSync(join(dir, "conf.yaml"), CONFIG);
		checklist(dir);
		const result = run(dir, { ROLLOUT_SHARE: "group" });
		expect(result.code).toBe(0);
		expect(mode(result.session)).toBe(0o2770);
		expect(mode(join(result.session, "events.jsonl"))).toBe(0o660);
		expect(mode(join(result.session, "backups", "manifest.json"))).toBe(0o660);
	});
});
