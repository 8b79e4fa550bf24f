import { execFileSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/temp.js";

const HEAD = "id: hostile\ntitle: Hostile input\n";

/** A checklist with one phase holding the steps given as YAML (indented for a step list). */
function checklist(dir: string, steps: string, extra = ""): string {
	const file = join(dir, "checklist.yaml");
	writeFileSync(file, `${HEAD}${extra}phases:\n  - id: p\n    title: P\n    steps:\n${steps}`);
	return file;
}

function fifo(dir: string, name: string): string | undefined {
	const path = join(dir, name);
	try {
		execFileSync("mkfifo", [path]);
		return path;
	} catch {
		return undefined;
	}
}

const validate = (file: string, ...args: string[]) => runCli(["validate", file, ...args]);

describe("files that are not regular files are refused before reading", () => {
	it("a FIFO as the checklist: one line, exit 1, no hang", () => {
		const dir = tempDir();
		const path = fifo(dir, "checklist.yaml");
		if (!path) return expect.fail("mkfifo is needed for this test");
		const result = validate(path);
		expect(result.code).toBe(1);
		expect(result.stderr.trim()).toBe(`${path}: is a FIFO (named pipe), not a checklist file`);
	});

	it("/dev/zero as the checklist", () => {
		const result = validate("/dev/zero");
		expect(result.code).toBe(1);
		expect(result.stderr.trim()).toBe("/dev/zero: is a device, not a checklist file");
	});

	it("/dev/zero and a FIFO as the answers file", () => {
		const dir = tempDir();
		const file = checklist(dir, "      - { id: ask, title: Ask, kind: prompt }\n");
		const zero = runCli(["run", file, "--answers", "/dev/zero", "--sessions-dir", join(dir, "s")]);
		expect(zero.code).toBe(2);
		expect(zero.stderr.trim()).toBe("rollout: /dev/zero: is a device, not an answers file");
		const path = fifo(dir, "answers.yaml");
		if (!path) return expect.fail("mkfifo is needed for this test");
		const pipe = runCli(["run", file, "--answers", path, "--sessions-dir", join(dir, "s")]);
		expect(pipe.code).toBe(2);
		expect(pipe.stderr.trim()).toBe(`rollout: ${path}: is a FIFO (named pipe), not an answers file`);
	});

	it("an answers file over the size cap", () => {
		const dir = tempDir();
		const file = checklist(dir, "      - { id: ask, title: Ask, kind: prompt }\n");
		const answers = join(dir, "answers.yaml");
		writeFileSync(answers, `# ${"x".repeat(2 * 1024 * 1024)}\nanswers: {}\n`);
		const result = runCli(["run", file, "--answers", answers, "--sessions-dir", join(dir, "s")]);
		expect(result.code).toBe(2);
		expect(result.stderr.trim()).toMatch(/answers\.yaml: is \d+ bytes; the limit is 1 MiB$/);
	});
});

describe("patterns run in linear time", () => {
	it("stdoutMatches ^(a+)+$ over a long line finishes at once and fails plainly", () => {
		const dir = tempDir();
		const file = checklist(
			dir,
			[
				"      - id: match",
				"        title: Match",
				"        kind: command",
				"        critical: true",
				`        run: ["node", "-e", "console.log('a'.repeat(5000) + 'b')"]`,
				"        expect:",
				`          stdoutMatches: "^(a+)+$"`,
				"",
			].join("\n"),
		);
		writeFileSync(join(dir, "answers.yaml"), "answers: {}\n");
		const started = Date.now();
		const result = runCli(
			["run", file, "--answers", join(dir, "answers.yaml"), "--sessions-dir", join(dir, "s")],
			{
				cwd: dir,
			},
		);
		expect(Date.now() - started).toBeLessThan(20_000);
		expect(result.code).toBe(1);
		expect(result.stdout).toContain("no output line matched /^(a+)+$/");
	});

	it("a look-behind is named as unsupported, at file:line:column", () => {
		const dir = tempDir();
		const file = checklist(
			dir,
			"      - id: c\n        title: C\n        kind: command\n        run: echo\n        expect: { stdoutNotMatches: '(?<=a)b' }\n",
		);
		const result = validate(file);
		expect(result.code).toBe(1);
		expect(result.stderr.trim()).toMatch(
			/checklist\.yaml:11:37: phases\[0\]\.steps\[0\]\.expect\.stdoutNotMatches: bad regular expression: look-behind \(\?<= or \(\?<! is not supported/,
		);
	});
});

describe("schema limits say what is wrong, where", () => {
	it("nesting 3,000 deep is refused with the file named", () => {
		const dir = tempDir();
		const file = join(dir, "deep.yaml");
		writeFileSync(file, `${HEAD}notes:\n  ${"- ".repeat(3000)}x\nphases: []\n`);
		const result = validate(file);
		expect(result.code).toBe(1);
		expect(result.stderr.trim()).toMatch(/deep\.yaml(:\d+:\d+)?: refused: nested more than 64 levels deep$/);
	});

	it("a 300-character id is refused by validate", () => {
		const dir = tempDir();
		const id = "a".repeat(300);
		const file = checklist(dir, `      - { id: ${id}, title: Long, kind: prompt }\n`);
		const result = validate(file);
		expect(result.code).toBe(1);
		expect(result.stderr.trim()).toBe(
			`${file}:7:15: phases[0].steps[0].id: id is 300 characters long; an id may be at most 64`,
		);
	});

	it("samples: 0 must be at least 1", () => {
		const dir = tempDir();
		const file = checklist(
			dir,
			"      - id: m\n        title: M\n        kind: monitor\n        source: { command: echo 1 }\n        samples: 0\n",
		);
		const result = validate(file);
		expect(result.stderr.trim()).toBe(`${file}:11:18: phases[0].steps[0].samples: must be at least 1`);
	});

	it.each([
		['"> 5"', '"> 1"', 'warn "> 5" is above critical "> 1"'],
		['"< 1"', '"< 5"', 'warn "< 1" is below critical "< 5"'],
		['"< 5"', '"> 1"', 'warn "< 5" and critical "> 1" point in opposite directions'],
	])("warn %s with critical %s is refused", (warn, critical, message) => {
		const dir = tempDir();
		const file = checklist(
			dir,
			`      - id: m\n        title: M\n        kind: monitor\n        source: { command: echo 1 }\n        warn: ${warn}\n        critical: ${critical}\n`,
		);
		const result = validate(file);
		expect(result.code).toBe(1);
		expect(result.stderr.trim()).toContain(`${file}:11:15: phases[0].steps[0].warn: ${message}`);
	});

	it("warn before critical in either direction passes", () => {
		const steps = [
			["up", '"> 0.5"', '"> 1"'],
			["down", '"< 10"', '"<= 5"'],
		]
			.map(
				([id, warn, critical]) =>
					`      - id: ${id}\n        title: M\n        kind: monitor\n        source: { command: echo 1 }\n        warn: ${warn}\n        critical: ${critical}\n`,
			)
			.join("");
		expect(validate(checklist(tempDir(), steps)).code).toBe(0);
	});

	it("a misspelt key gets a suggestion from the keys allowed there", () => {
		const dir = tempDir();
		const file = checklist(
			dir,
			"      - id: m\n        title: M\n        kind: monitor\n        source: { comand: echo 1 }\n        samles: 2\n",
		);
		const lines = validate(file).stderr.trim().split("\n");
		expect(lines).toContain(
			`${file}:10:19: phases[0].steps[0].source.comand: unknown key "comand": did you mean "command"?`,
		);
		expect(lines).toContain(
			`${file}:11:9: phases[0].steps[0].samles: unknown key "samles": did you mean "samples"?`,
		);
	});
});

describe("variables", () => {
	const vars = "vars:\n  dir: /tmp/somewhere\n";
	const rm = "      - id: clean\n        title: Clean\n        kind: command\n        run: rm -rf ${dir}/\n";

	it.each([
		"__proto__",
		"constructor",
		"toString",
		"hasOwnProperty",
	])("--var %s is not a variable", (name) => {
		const dir = tempDir();
		const result = validate(checklist(dir, rm, vars), "--var", `${name}=x`);
		expect(result.code).toBe(1);
		expect(result.stderr.trim()).toBe(
			`${join(dir, "checklist.yaml")}: --var ${name}: the checklist has no variable "${name}" (it has: dir)`,
		);
	});

	it("an empty value in a command is refused, in a dry run too", () => {
		const dir = tempDir();
		const file = checklist(dir, rm, vars);
		const result = validate(file, "--var", "dir=");
		expect(result.code).toBe(1);
		expect(result.stderr.trim()).toBe(
			`${file}:12:21: phases[0].steps[0].run: \${dir} is empty here, and an empty value can change what a command does (rm -rf \${dir}/ becomes rm -rf /): give it a value, or declare it with allowEmpty: true`,
		);
		writeFileSync(join(dir, "answers.yaml"), "answers: {}\n");
		const dry = runCli([
			"run",
			file,
			"--dry-run",
			"--var",
			"dir=",
			"--answers",
			join(dir, "answers.yaml"),
			"--sessions-dir",
			join(dir, "s"),
		]);
		expect(dry.code).toBe(2);
		expect(dry.stderr).toContain("${dir} is empty here");
	});

	it("allowEmpty: true lets it through", () => {
		const dir = tempDir();
		const file = checklist(dir, rm, "vars:\n  dir: { default: '', allowEmpty: true }\n");
		expect(validate(file).code).toBe(0);
	});

	it("a --var value holding $(…) is one literal word in a shell command, never run", () => {
		const dir = tempDir();
		const file = checklist(
			dir,
			"      - id: say\n        title: Say\n        kind: command\n        run: echo ${name}\n",
			"vars:\n  name: world\n",
		);
		writeFileSync(join(dir, "answers.yaml"), "answers: {}\n");
		const marker = join(dir, "pwned");
		const result = runCli(
			[
				"run",
				file,
				"--var",
				`name=$(touch ${marker}); \`touch ${marker}\``,
				"--answers",
				join(dir, "answers.yaml"),
				"--sessions-dir",
				join(dir, "s"),
			],
			{ cwd: dir },
		);
		expect(result.code).toBe(0);
		expect(existsSync(marker)).toBe(false);
	});

	it("${raw:name} splices the value as shell text", () => {
		const dir = tempDir();
		const file = checklist(
			dir,
			"      - id: say\n        title: Say\n        kind: command\n        run: ${raw:cmd} > out.txt\n",
			"vars:\n  cmd: echo one two\n",
		);
		writeFileSync(join(dir, "answers.yaml"), "answers: {}\n");
		const result = runCli(
			["run", file, "--answers", join(dir, "answers.yaml"), "--sessions-dir", join(dir, "s")],
			{
				cwd: dir,
			},
		);
		expect(result.code).toBe(0);
		expect(execFileSync("cat", [join(dir, "out.txt")], { encoding: "utf8" })).toBe("one two\n");
	});

	it("a reference inside quotes is refused: the value is quoted already", () => {
		const dir = tempDir();
		const file = checklist(
			dir,
			'      - id: say\n        title: Say\n        kind: command\n        run: echo "dir is ${dir}"\n',
			vars,
		);
		const result = validate(file);
		expect(result.code).toBe(1);
		expect(result.stderr.trim()).toContain("${dir} is inside quotes: a value is quoted as one word for you");
	});
});
