import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatProblem } from "../../source/checklist/errors.js";
import { loadChecklistFile } from "../../source/checklist/load.js";
import { phaseSteps } from "../../source/checklist/steps.js";
import { tempDir } from "../helpers/temp.js";

const fixture = (name: string) => `test/fixtures/${name}`;

function problems(name: string, vars?: Record<string, string>): string[] {
	const result = loadChecklistFile(fixture(name), { vars, displayName: name });
	if (result.ok) throw new Error(`${name} loaded, but it should not`);
	return result.problems.map(formatProblem);
}

function load(name: string, options: { vars?: Record<string, string>; home?: string } = {}) {
	const result = loadChecklistFile(fixture(name), options);
	if (!result.ok) throw new Error(result.problems.map(formatProblem).join("\n"));
	return result.loaded;
}

describe("loader rules, each naming file:line:column and the key", () => {
	it("rejects unknown keys at the key itself", () => {
		expect(problems("invalid/unknown-keys.yaml")).toEqual([
			'invalid/unknown-keys.yaml:3:1: colour: unknown key "colour"',
			'invalid/unknown-keys.yaml:12:9: phases[0].steps[0].retry: unknown key "retry"',
		]);
	});

	it("rejects an unknown kind and lists the known ones", () => {
		expect(problems("invalid/unknown-kind.yaml")).toEqual([
			'invalid/unknown-kind.yaml:8:15: phases[0].steps[0].kind: unknown kind "sleep": use one of backup, flag, command, prompt, monitor, decision, signoff',
		]);
	});

	it("rejects duplicate step ids across phases and rollback, pointing back at the first", () => {
		expect(problems("invalid/duplicate-ids.yaml")).toEqual([
			'invalid/duplicate-ids.yaml:11:15: phases[1].steps[0].id: duplicate step id "check" (first used on line 7)',
			'invalid/duplicate-ids.yaml:14:13: rollback.steps[0].id: duplicate step id "check" (first used on line 7)',
		]);
	});

	it("rejects a ${var} with no value at the reference's own column, leaving $${…} and $NAME alone", () => {
		expect(problems("invalid/missing-var.yaml")).toEqual([
			"invalid/missing-var.yaml:13:25: phases[0].steps[0].run: ${config_dir} has no value: define it under vars: or pass --var config_dir=… (write $${config_dir} for a literal ${config_dir})",
		]);
	});

	it("accepts the missing variable once --var gives it", () => {
		const loaded = load("invalid/missing-var.yaml", { vars: { repo: "/srv/app", config_dir: "conf" } });
		expect(loaded.checklist.phases[0]?.steps[0]).toMatchObject({
			run: "ls /srv/app/conf && echo $HOME ${USER}",
		});
	});

	it("rejects a --var the checklist does not define", () => {
		expect(problems("invalid/missing-var.yaml", { confg: "y", config_dir: "conf" })).toEqual([
			'invalid/missing-var.yaml: --var confg: the checklist has no variable "confg" (it has: repo, config_dir)',
		]);
	});

	it("rejects bad durations", () => {
		expect(problems("invalid/bad-duration.yaml")).toEqual([
			'invalid/bad-duration.yaml:11:18: phases[0].steps[0].timeout: bad duration "15 minutes": use milliseconds or a value such as 500ms, 30s, 15m, 2h, 1d',
			'invalid/bad-duration.yaml:13:25: followups[0].after: bad duration "soon": use milliseconds or a value such as 500ms, 30s, 15m, 2h, 1d',
		]);
	});

	it("rejects bad threshold operators and conditions", () => {
		expect(problems("invalid/bad-operator.yaml")).toEqual([
			'invalid/bad-operator.yaml:14:40: phases[0].steps[0].expect.thresholds[0].op: bad operator "=>": use one of > >= < <= == !=',
			'invalid/bad-operator.yaml:19:15: phases[0].steps[1].warn: bad condition "more than 1": use an operator (> >= < <= == !=) and a number, such as "> 0.5", or a baseline, such as "> baseline + 10%"',
		]);
	});

	it("demands a decision step where decision rules or a sign-off need one", () => {
		expect(problems("invalid/missing-decision.yaml")).toEqual([
			"invalid/missing-decision.yaml:3:1: decision: decision rules are set but no phase has a decision step (kind: decision)",
			"invalid/missing-decision.yaml:10:15: phases[0].steps[0].kind: a signoff step approves a decision: put a decision step before it",
		]);
	});

	it("names missing required keys at their parent", () => {
		expect(problems("invalid/missing-keys.yaml")).toEqual([
			'invalid/missing-keys.yaml:1:1: title: missing required key "title"',
			'invalid/missing-keys.yaml:6:9: phases[0].steps[0].title: missing required key "title"',
			'invalid/missing-keys.yaml:8:9: phases[0].steps[1].roles: missing required key "roles"',
			"invalid/missing-keys.yaml:9:15: phases[0].steps[1].kind: a signoff step approves a decision: put a decision step before it",
		]);
	});

	it("rejects duplicate YAML keys", () => {
		expect(problems("invalid/duplicate-yaml-key.yaml")).toEqual([
			'invalid/duplicate-yaml-key.yaml:3:1: duplicate key "title"',
		]);
	});

	it("rejects `when` naming no variable, and variable cycles", () => {
		expect(problems("invalid/when-and-cycle.yaml")).toEqual([
			"invalid/when-and-cycle.yaml:5:6: vars.b: variable cycle: a → b → a",
			'invalid/when-and-cycle.yaml:10:52: phases[0].steps[0].when: "extras" is not a variable: define it under vars:',
		]);
	});

	it("asks for a quoted version", () => {
		expect(problems("invalid/version-number.yaml")).toEqual([
			'invalid/version-number.yaml:3:10: version: version must be a string: quote it, such as version: "1.0"',
		]);
	});

	it("reports every problem of a file together, in file order", () => {
		expect(problems("invalid/many-problems.yaml")).toEqual([
			'invalid/many-problems.yaml:1:5: id: bad id "Many_Problems": use lower-case letters, digits and "-"',
			"invalid/many-problems.yaml:7:54: phases[0].steps[0].run: ${nothing} has no value: define it under vars: or pass --var nothing=… (write $${nothing} for a literal ${nothing})",
			'invalid/many-problems.yaml:7:76: phases[0].steps[0].timeout: bad duration "forever": use milliseconds or a value such as 500ms, 30s, 15m, 2h, 1d',
			'invalid/many-problems.yaml:8:15: phases[0].steps[1].id: duplicate step id "a" (first used on line 7)',
			'invalid/many-problems.yaml:8:42: phases[0].steps[1].extra: unknown key "extra"',
			"invalid/many-problems.yaml:9:46: phases[0].steps[2].file: cannot tell the file's format from its name: add format: yaml, json or env",
			'invalid/many-problems.yaml:10:72: phases[0].steps[3].optional[0]: "b.txt" is not among paths: list it there too',
		]);
	});
});

describe("files that are not checklists get one clear line", () => {
	it.each([
		["invalid/empty.yaml", "invalid/empty.yaml: is empty"],
		["invalid/comment-only.yaml", "invalid/comment-only.yaml: is empty"],
		["invalid/binary.yaml", "invalid/binary.yaml: is a binary file, not a YAML checklist"],
		["invalid/latin1.yaml", "invalid/latin1.yaml: is not UTF-8 text (first bad byte on line 2)"],
		[
			"invalid/two-documents.yaml",
			"invalid/two-documents.yaml:3:1: a checklist is one YAML document: remove the second ---",
		],
		["invalid/no-such-file.yaml", "invalid/no-such-file.yaml: no such file"],
		["invalid", "invalid: is a directory, not a checklist file"],
	])("%s", (name, message) => {
		expect(problems(name)).toEqual([message]);
	});

	it("refuses an alias bomb in well under a second", () => {
		const started = performance.now();
		expect(problems("invalid/alias-bomb.yaml")).toEqual([
			"invalid/alias-bomb.yaml: refused: aliases expand too far (an alias bomb?)",
		]);
		expect(performance.now() - started).toBeLessThan(1000);
	});
});

describe("a valid checklist", () => {
	it("loads every field of the format, normalised", () => {
		const { checklist, vars } = load("valid/format-example.yaml", { home: "/home/dana" });
		expect(vars.profiles).toBe("/home/dana/.victor/profiles.yaml");
		expect(checklist.phases).toHaveLength(5);
		expect(phaseSteps(checklist)).toHaveLength(9);
		const [backup, tests] = checklist.phases[0]?.steps ?? [];
		expect(backup).toMatchObject({
			kind: "backup",
			paths: ["/home/dana/.victor/profiles.yaml", "./.victor/init.md"],
		});
		expect(tests).toMatchObject({ timeout: 15 * 60_000, expect: { thresholds: [{ op: ">=", value: 95 }] } });
		const monitor = checklist.phases[3]?.steps[0];
		expect(monitor).toMatchObject({
			interval: 10_000,
			warn: { op: ">", value: 0.5 },
			critical: { op: ">", value: 1 },
		});
		const latency = checklist.phases[3]?.steps[1];
		expect(latency).toMatchObject({
			source: { jsonl: { file: "/home/dana/.victor/metrics/rollout.jsonl" } },
		});
		expect(checklist.followups?.map((followup) => followup.after)).toEqual([86_400_000, 7 * 86_400_000]);
		expect(checklist.rollback?.verify?.[0]).toMatchObject({
			run: "grep -q 'use_coordinator_orchestrator: false' /home/dana/.victor/profiles.yaml",
		});
	});

	it("keeps a list command's interpolated values as single arguments", () => {
		const { checklist } = load("valid/format-example.yaml", { vars: { repo: "my repo; rm -rf /" } });
		expect(checklist.phases[0]?.steps[2]).toMatchObject({
			run: ["pytest", "--cov=victor", "my repo; rm -rf /"],
		});
	});

	it("records the SHA-256 of the file's bytes", () => {
		const loaded = load("valid/format-example.yaml");
		const expected = createHash("sha256")
			.update(readFileSync(fixture("valid/format-example.yaml")))
			.digest("hex");
		expect(loaded.sha256).toBe(expected);
	});

	it("substitutes a whole-value reference with its typed value", () => {
		const dir = tempDir();
		const file = join(dir, "typed.yaml");
		writeFileSync(
			file,
			[
				"id: typed",
				"title: Typed",
				"vars: { enabled: true, wait: 30s }",
				"phases:",
				"  - id: one",
				"    title: One",
				"    steps:",
				"      - { id: flip, kind: flag, title: Flip, file: a.json, key: on, value: '${enabled}' }",
				"      - { id: nap, kind: command, title: Nap, run: 'sleep 1', timeout: '${wait}' }",
			].join("\n"),
		);
		const result = loadChecklistFile(file);
		expect(result.ok && result.loaded.checklist.phases[0]?.steps).toMatchObject([
			{ value: true },
			{ timeout: 30_000 },
		]);
	});
});
