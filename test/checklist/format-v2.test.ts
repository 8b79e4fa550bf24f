import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatProblem } from "../../source/checklist/errors.js";
import { loadChecklistFile } from "../../source/checklist/load.js";
import { phaseSteps } from "../../source/checklist/steps.js";
import { tempDir } from "../helpers/temp.js";

/** Problems as `rollout validate` prints them, with file names relative to test/fixtures. */
function problems(name: string): string[] {
	const result = loadChecklistFile(`test/fixtures/${name}`, { displayName: name });
	if (result.ok) throw new Error(`${name} loaded, but it should not`);
	return result.problems.map(formatProblem);
}

describe("typed prompt fields, checked at file:line:column", () => {
	it("refuses bad thresholds, choices, types and duplicate names", () => {
		expect(problems("v2/typed-prompts-invalid.yaml")).toEqual([
			'v2/typed-prompts-invalid.yaml:11:64: phases[0].steps[0].fields[0].expect: bad condition "under 50": use an operator (> >= < <= == !=) and a number, such as "> 0.5"',
			'v2/typed-prompts-invalid.yaml:12:83: phases[0].steps[0].fields[1].pass[1]: "MEDUIM" is not among choices: LOW, MEDIUM, HIGH',
			'v2/typed-prompts-invalid.yaml:13:21: phases[0].steps[0].fields[2].name: duplicate field name "risk" (first used on line 12)',
			"v2/typed-prompts-invalid.yaml:13:47: phases[0].steps[0].fields[2].expect: expect: compares a number: use type: number",
			"v2/typed-prompts-invalid.yaml:14:35: phases[0].steps[0].fields[3].type: a choice needs choices: [ … ]",
			"v2/typed-prompts-invalid.yaml:15:21: phases[0].steps[0].fields[4].name: a field name uses letters, digits and _",
			'v2/typed-prompts-invalid.yaml:15:38: phases[0].steps[0].fields[4].type: unknown field type "name": use one of number, text, choice',
		]);
	});
});

describe("must-pass steps and pass-rate rules, checked at file:line:column", () => {
	it("refuses two pass-rate rules at once, a bad comparison and a must that is not a boolean", () => {
		expect(problems("v2/must-invalid.yaml")).toEqual([
			"v2/must-invalid.yaml:5:13: decision.passRate: write passRate or minPassRate, not both",
			'v2/must-invalid.yaml:9:15: phases[0].passRate: bad condition "95 or more": use an operator (> >= < <= == !=) and a number, such as "> 0.5"',
			'v2/must-invalid.yaml:11:56: phases[0].steps[0].must: expected boolean, found "yes"',
		]);
	});
});

describe("when: on earlier outcomes, checked at file:line:column", () => {
	it("looks back only, at a decision or a step that comes earlier, with known outcomes and results", () => {
		expect(problems("v2/when-outcome-invalid.yaml")).toEqual([
			"v2/when-outcome-invalid.yaml:7:68: phases[0].steps[0].when.decision: no decision step comes before this step: put one in an earlier phase or earlier in this one",
			'v2/when-outcome-invalid.yaml:8:62: phases[0].steps[1].when.step: "smoke" is not a step walked before this one: when: looks back at earlier steps only',
			'v2/when-outcome-invalid.yaml:11:79: phases[0].steps[4].when.decision[1]: unknown outcome "APPROVED": use one of GO, GO WITH CONDITIONS, NO-GO',
			'v2/when-outcome-invalid.yaml:12:77: phases[0].steps[5].when.is: unknown result "broken": use one of passed, failed, skipped',
			"v2/when-outcome-invalid.yaml:13:54: phases[0].steps[6].when: when: takes either decision: or step: with is:",
			'v2/when-outcome-invalid.yaml:14:54: phases[0].steps[7].when.is: missing required key "is"',
			"v2/when-outcome-invalid.yaml:17:52: rollback.steps[0].when: a rollback step runs whatever the outcome: when: on an outcome is for phases and follow-ups",
		]);
	});
});

describe("included phases", () => {
	it("splices the included phases in place, interpolated with the including checklist's variables", () => {
		const result = loadChecklistFile("test/fixtures/v2/include-main.yaml");
		if (!result.ok) throw new Error(result.problems.map(formatProblem).join("\n"));
		const { checklist, included } = result.loaded;
		expect(checklist.phases.map((phase) => phase.id)).toEqual(["preflight", "enable", "drill", "go-no-go"]);
		expect(phaseSteps(checklist).map(({ step }) => step.title)).toEqual([
			"Disk space for payments",
			"On-call ready",
			"Enable payments",
			"Rollback drilled in staging",
			"Decide",
		]);
		expect(included?.map((file) => file.file)).toEqual([
			"test/fixtures/v2/shared/preflight.yaml",
			"test/fixtures/v2/shared/rollback-drill.yaml",
		]);
	});

	it("reports problems inside an included file at that file's line and column, and bad includes at the include", () => {
		expect(problems("v2/include-invalid.yaml")).toEqual([
			'v2/include-invalid.yaml:7:21: phases[1].phases[1]: no phase "dril" in v2/shared/rollback-drill.yaml (it has: drill, unused)',
			"v2/include-invalid.yaml:8:14: phases[2].include: cannot include shared/nowhere.yaml: no such file",
			'v2/include-invalid.yaml:10:5: phases[3].colour: unknown key "colour" beside include: (only phases: may go there)',
			'v2/shared/broken.yaml:1:1: title: unknown key "title": an included file holds only phases:',
			'v2/shared/broken.yaml:6:50: phases[0].steps[0].colour: unknown key "colour"',
			'v2/shared/broken.yaml:7:74: phases[0].steps[1].timeout: bad duration "15 minutes": use milliseconds or a value such as 500ms, 30s, 15m, 2h, 1d',
			"v2/shared/broken.yaml:8:14: phases[1].include: an included file cannot include another",
		]);
	});

	it("names the other file when an id is used both there and here", () => {
		const dir = tempDir();
		writeFileSync(
			join(dir, "shared.yaml"),
			"phases:\n  - id: pre\n    title: Pre\n    steps:\n      - { id: check, kind: prompt, title: Check }\n",
		);
		writeFileSync(
			join(dir, "main.yaml"),
			"id: main\ntitle: Main\nphases:\n  - include: shared.yaml\n  - id: here\n    title: Here\n    steps:\n      - { id: check, kind: prompt, title: Again }\n",
		);
		const result = loadChecklistFile(join(dir, "main.yaml"), { displayName: "main.yaml" });
		expect(result.ok ? [] : result.problems.map(formatProblem)).toEqual([
			'main.yaml:8:15: phases[1].steps[0].id: duplicate step id "check" (first used at shared.yaml:5)',
		]);
	});

	it("changes the checklist's digest when an included file changes, so a resume notices", () => {
		const dir = tempDir();
		const shared = (title: string) =>
			writeFileSync(
				join(dir, "shared.yaml"),
				`phases:\n  - id: pre\n    title: Pre\n    steps:\n      - { id: check, kind: prompt, title: ${title} }\n`,
			);
		writeFileSync(join(dir, "main.yaml"), "id: main\ntitle: Main\nphases:\n  - include: shared.yaml\n");
		const digest = () => {
			const result = loadChecklistFile(join(dir, "main.yaml"));
			if (!result.ok) throw new Error(result.problems.map(formatProblem).join("\n"));
			return result.loaded.sha256;
		};
		shared("Check");
		const before = digest();
		shared("Check again");
		expect(digest()).not.toBe(before);
	});
});
