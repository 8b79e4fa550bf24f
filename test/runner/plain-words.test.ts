import { execFileSync } from "node:child_process";
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createMasker } from "../../source/runner/mask.js";
import { plainWords } from "../../source/runner/plain-words.js";
import { processRunner } from "../../source/runner/run-command.js";
import { tempDir } from "../helpers/temp.js";

/** The words /bin/sh makes of a line, each as the program would receive it. */
function shellWords(line: string): string[] {
	const out = execFileSync("/bin/sh", ["-c", `set -- ${line}; printf '%s\\0' "$@"`], { encoding: "utf8" });
	return out.split("\0").slice(0, -1);
}

describe("a command line of plain words", () => {
	const plain = [
		"/bin/true",
		"pytest tests/unit -q",
		"kubectl rollout status deploy/payments --timeout=120s",
		"npm   run\tbuild",
		"./scripts/smoke.sh staging user@host 50% a,b +x :8080",
		"git log -1 --format=%H",
	];
	it.each(plain)("runs without a shell, split as the shell splits it: %s", (line) => {
		expect(plainWords(line)).toEqual(shellWords(line));
	});

	const shellOnly = [
		"echo -e done",
		"true",
		"cd /tmp",
		"export A=1",
		"A=1 env",
		"ls *.log",
		"ls ~",
		"echo $HOME",
		"grep -q 'x' file",
		'grep "x" file',
		"a && b",
		"a | b",
		"a > out",
		"a; b",
		"a # comment",
		"a\nb",
		"ls [ab]",
		"ls {a,b}",
		"a \\ b",
		"(a)",
		"time make",
		"",
	];
	it.each(shellOnly)("goes to the shell: %j", (line) => {
		expect(plainWords(line)).toBeUndefined();
	});

	it("runs the program with the words as its arguments, finding it on PATH as the shell does", async () => {
		const dir = tempDir();
		const script = join(dir, "show-args");
		writeFileSync(script, '#!/bin/sh\nfor a in "$@"; do echo "[$a]"; done\necho "$0"\n');
		chmodSync(script, 0o755);
		const log = join(dir, "step.log");
		const result = await processRunner.run(
			{ run: "show-args one two=2 --three", cwd: dir, env: { PATH: `${dir}:${process.env.PATH}` } },
			{ logFile: log, mask: createMasker({}) },
		);
		expect(result.exitCode).toBe(0);
		expect(readFileSync(log, "utf8")).toBe(`[one]\n[two=2]\n[--three]\n${script}\n`);
		const missing = await processRunner.run(
			{ run: "no-such-program-here x", cwd: dir },
			{ logFile: log, mask: createMasker({}) },
		);
		expect(missing.exitCode).toBeUndefined();
		expect(missing.spawnError).toBe("no-such-program-here: no such program on PATH");
	});
});
