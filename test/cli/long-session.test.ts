import {
	appendFileSync,
	mkdirSync,
	readdirSync,
	readFileSync,
	rmSync,
	statSync,
	utimesSync,
	writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/temp.js";

/** A run of the built CLI with its own cache folder. */
function cli(cache: string) {
	return (args: string[], env: Record<string, string> = {}) =>
		runCli(args, { env: { XDG_CACHE_HOME: cache, NO_COLOR: "1", ...env } });
}

const cached = (cache: string, prefix: string) =>
	readdirSync(join(cache, "rollout")).filter((name) => name.startsWith(prefix));

const CHECKLIST = `id: cached
title: Cached
vars:
  target: staging
phases:
  - id: one
    title: One
    steps:
      - { id: first, kind: command, title: "First \${target}", run: /bin/true }
      - { id: second, kind: command, title: Second, run: /bin/true }
`;

describe("a checklist parsed once", () => {
	it("validates the same from the cache, and an edit is parsed afresh with its line and column", () => {
		const work = tempDir();
		const cache = join(work, "cache");
		const run = cli(cache);
		const file = join(work, "checklist.yaml");
		writeFileSync(file, CHECKLIST);
		const first = run(["validate", file]);
		expect(first).toMatchObject({ code: 0, stdout: `ok ${file}: 1 phases, 2 steps\n` });
		expect(cached(cache, "checklist-")).toHaveLength(1);
		expect(run(["validate", file])).toEqual(first);
		// Another --var is another entry: the cached one holds the variables it was resolved with.
		expect(run(["validate", file, "--var", "target=prod"]).code).toBe(0);
		expect(cached(cache, "checklist-")).toHaveLength(2);
		writeFileSync(file, CHECKLIST.replace("kind: command, title: Second", "kind: comand, title: Second"));
		const broken = run(["validate", file]);
		expect(broken.code).toBe(1);
		expect(broken.stderr).toMatch(new RegExp(`${file}:10:\\d+: .*unknown kind "comand"`));
	});

	it("keeps nothing of a checklist that includes another file: an edit there is seen at once", () => {
		const work = tempDir();
		const cache = join(work, "cache");
		const run = cli(cache);
		const file = join(work, "main.yaml");
		writeFileSync(file, "id: main\ntitle: Main\nphases:\n  - include: shared.yaml\n");
		const shared = join(work, "shared.yaml");
		const phase =
			"phases:\n  - id: one\n    title: One\n    steps:\n      - { id: a, kind: command, title: A, run: /bin/true }\n";
		writeFileSync(shared, phase);
		expect(run(["validate", file]).code).toBe(0);
		expect(run(["validate", file]).code).toBe(0);
		writeFileSync(shared, phase.replace("kind: command", "kind: comand"));
		const broken = run(["validate", file]);
		expect(broken.code).toBe(1);
		expect(broken.stderr).toMatch(new RegExp(`${shared}:5:\\d+: .*unknown kind "comand"`));
	});

	it("keeps nothing of a checklist with a secret", () => {
		const work = tempDir();
		const cache = join(work, "cache");
		const file = join(work, "checklist.yaml");
		writeFileSync(
			file,
			CHECKLIST.replace("  target: staging", "  target: staging\n  api_token: s3cr3t-value"),
		);
		expect(cli(cache)(["validate", file]).code).toBe(0);
		expect(cached(cache, "checklist-")).toEqual([]);
	});
});

describe("rollout list", () => {
	it("remembers each session's row while its log is unchanged, and notices any change to it", () => {
		const work = tempDir();
		const cache = join(work, "cache");
		const sessions = join(work, "sessions");
		const run = cli(cache);
		const file = join(work, "checklist.yaml");
		const answers = join(work, "answers.yaml");
		writeFileSync(file, CHECKLIST);
		writeFileSync(answers, "operator: Dana Ops\nanswers: {}\n");
		expect(run(["run", file, "--answers", answers, "--sessions-dir", sessions]).code).toBe(0);
		const list = () => JSON.parse(run(["list", "--json", "--sessions-dir", sessions]).stdout);
		const [row] = list();
		expect(row).toMatchObject({ status: "GO", operator: "Dana Ops", done: 2, total: 2 });
		expect(cached(cache, "list-")).toHaveLength(1);
		expect(list()).toEqual([row]);
		// Same size, one letter changed: the chain breaks there, and the listing says so.
		const log = join(sessions, row.id, "events.jsonl");
		writeFileSync(log, readFileSync(log, "utf8").replace('"operator":"Dana Ops"', '"operator":"Dana Opz"'));
		expect(list()).toMatchObject([{ id: row.id, status: "damaged" }]);
	});
});

/** A session run to its end (GO) with the built CLI, and how to run the CLI on it. */
function endedSession() {
	const work = tempDir();
	const sessions = join(work, "sessions");
	const run = cli(join(work, "cache"));
	const file = join(work, "checklist.yaml");
	const answers = join(work, "answers.yaml");
	writeFileSync(file, CHECKLIST);
	writeFileSync(answers, "operator: Dana Ops\nanswers: {}\n");
	expect(run(["run", file, "--answers", answers, "--sessions-dir", sessions]).code).toBe(0);
	const [id] = readdirSync(sessions).filter((name) => !name.startsWith("."));
	return { run, sessions, answers, id };
}

describe("rollout resume of a session that has ended", () => {
	it("refuses with exit 2 and records nothing in it", () => {
		const { run, sessions, answers, id } = endedSession();
		const log = join(sessions, String(id), "events.jsonl");
		const before = readFileSync(log, "utf8");
		const resumed = run(["resume", String(id), "--answers", answers, "--sessions-dir", sessions]);
		expect(resumed.code).toBe(2);
		expect(resumed.stderr).toContain(
			`session ${id} has ended (GO); export it with: rollout export ${id} --format md`,
		);
		expect(readFileSync(log, "utf8")).toBe(before);
		expect(run(["verify", String(id), "--sessions-dir", sessions]).code).toBe(0);
	});

	it("writes nothing into it even where opening it to go on would: a torn last line, no session.json", () => {
		const { run, sessions, answers, id } = endedSession();
		const dir = join(sessions, String(id));
		// A session to go on with would have its torn line cut and session.json written again.
		appendFileSync(join(dir, "events.jsonl"), '{"seq":');
		rmSync(join(dir, "session.json"));
		const files = () =>
			Object.fromEntries(
				readdirSync(dir, { recursive: true, encoding: "utf8" })
					.sort()
					.map((name) => [
						name,
						statSync(join(dir, name)).isFile() ? readFileSync(join(dir, name), "utf8") : "(folder)",
					]),
			);
		const before = files();
		const resumed = run(["resume", String(id), "--answers", answers, "--sessions-dir", sessions]);
		expect(resumed).toMatchObject({
			code: 2,
			stderr: `rollout: session ${id} has ended (GO); export it with: rollout export ${id} --format md\n`,
		});
		expect(files()).toEqual(before);
	});
});

describe("the code cache", () => {
	it("keeps one build's files: an earlier build of this Node goes, another Node's goes once unused for a month", () => {
		const cache = join(tempDir(), "cache");
		const folder = join(cache, "rollout");
		mkdirSync(folder, { recursive: true });
		const other = process.version === "v18.0.0" ? "v19.0.0" : "v18.0.0";
		const files = {
			earlier: `${process.version}-1000-1700000000000-verify.bin`,
			otherNodeInUse: `${other}-1000-1700000000000-verify.bin`,
			otherNodeUnused: `${other}-1000-1600000000000-list.bin`,
			notOurs: "notes.bin",
		};
		for (const name of Object.values(files)) writeFileSync(join(folder, name), "x");
		const monthsAgo = new Date(Date.now() - 40 * 24 * 60 * 60 * 1000);
		utimesSync(join(folder, files.otherNodeUnused), monthsAgo, monthsAgo);
		expect(cli(cache)(["--version"]).code).toBe(0);
		const left = readdirSync(folder);
		expect(left).toContain(files.otherNodeInUse);
		expect(left).toContain(files.notOurs);
		expect(left).not.toContain(files.earlier);
		expect(left).not.toContain(files.otherNodeUnused);
		// This build's own, written by the run that found none.
		expect(left.filter((name) => name.startsWith(`${process.version}-`))).toHaveLength(1);
	});
});
