import { describe, expect, it } from "vitest";
import { editEnv } from "../../source/steps/flag/env-edit.js";
import { editJson } from "../../source/steps/flag/json-edit.js";
import { editYaml } from "../../source/steps/flag/yaml-edit.js";

const changedLines = (before: string, after: string) => {
	const a = before.split("\n");
	const b = after.split("\n");
	expect(b).toHaveLength(a.length);
	return a.flatMap((line, index) => (line === b[index] ? [] : [[line, b[index]]]));
};

describe("editYaml", () => {
	const profiles = [
		"\uFEFF# Victor profiles",
		"default_profile: fast   # the one we use",
		"",
		"use_coordinator_orchestrator: false  # flipped by the rollout",
		"profiles:",
		"  fast:",
		"    model:    gpt-x",
		"    options: [a, b]",
		"notes: >",
		"  folded text",
		"  that stays",
		"",
	].join("\r\n");

	it("changes exactly one line of a file with comments, CRLF and a BOM", () => {
		const result = editYaml(profiles, ["use_coordinator_orchestrator"], true, false);
		if (!result.ok) throw new Error(result.reason);
		expect(result.previous).toMatchObject({ present: true, value: false });
		expect(result.text.startsWith("\uFEFF# Victor profiles\r\n")).toBe(true);
		expect(changedLines(profiles, result.text)).toEqual([
			[
				"use_coordinator_orchestrator: false  # flipped by the rollout\r",
				"use_coordinator_orchestrator: true  # flipped by the rollout\r",
			],
		]);
	});

	it("changes a nested key and quotes a string that would read back differently", () => {
		const result = editYaml(profiles, ["profiles", "fast", "model"], "yes", false);
		if (!result.ok) throw new Error(result.reason);
		expect(changedLines(profiles, result.text)).toEqual([["    model:    gpt-x\r", '    model:    "yes"\r']]);
	});

	it("is a no-op when the value is already there", () => {
		expect(editYaml(profiles, ["default_profile"], "fast", false)).toMatchObject({
			ok: true,
			noop: true,
			text: profiles,
		});
	});

	it("refuses a missing key unless asked to create it, then adds one line in the file's style", () => {
		expect(editYaml(profiles, ["new_flag"], true, false)).toEqual({
			ok: false,
			reason: "new_flag is not in the file (set create: true to add it)",
		});
		const text = "a: 1\nnested:\n  b: 2\n  c: 3\n";
		const created = editYaml(text, ["nested", "d"], true, true);
		expect(created).toMatchObject({
			ok: true,
			text: "a: 1\nnested:\n  b: 2\n  c: 3\n  d: true\n",
			previous: { present: false },
		});
	});

	it("refuses a key behind an alias, and a value that is not a scalar", () => {
		const text = "base: &base\n  flag: false\nprod: *base\n";
		expect(editYaml(text, ["prod", "flag"], true, false)).toMatchObject({
			ok: false,
			reason: expect.stringMatching(/^prod is an alias/),
		});
		expect(editYaml(profiles, ["profiles"], true, false)).toMatchObject({
			ok: false,
			reason: "profiles is not a single value",
		});
	});
});

describe("editJson", () => {
	const settings =
		'\uFEFF{\r\n  "name": "victor",\r\n  "features": {\r\n    "coordinator": false,\r\n    "x": [1, 2]\r\n  }\r\n}\r\n';

	it("changes exactly one value, keeping BOM, CRLF and layout", () => {
		const result = editJson(settings, ["features", "coordinator"], true, false);
		if (!result.ok) throw new Error(result.reason);
		expect(result.previous).toMatchObject({ present: true, value: false });
		expect(changedLines(settings, result.text)).toEqual([
			['    "coordinator": false,\r', '    "coordinator": true,\r'],
		]);
	});

	it("refuses a missing key without create", () => {
		expect(editJson(settings, ["features", "other"], true, false)).toMatchObject({ ok: false });
		const created = editJson(settings, ["features", "other"], "on", true);
		expect(created.ok && JSON.parse(created.text.slice(1)).features.other).toBe("on");
	});
});

describe("editEnv", () => {
	const env = '# service\nexport API_URL=http://x\nFEATURE_FLAG="false"  \nDEBUG=0 # off\n';

	it("keeps quoting and export, changing one line", () => {
		const result = editEnv(env, ["FEATURE_FLAG"], true, false);
		if (!result.ok) throw new Error(result.reason);
		expect(result.previous).toMatchObject({ present: true, value: "false" });
		expect(changedLines(env, result.text)).toEqual([['FEATURE_FLAG="false"  ', 'FEATURE_FLAG="true"  ']]);
		const debug = editEnv(env, ["DEBUG"], 1, false);
		expect(debug.ok && changedLines(env, debug.text)).toEqual([["DEBUG=0 # off", "DEBUG=1 # off"]]);
	});

	it("appends a created key and refuses nested keys", () => {
		expect(editEnv(env, ["NEW"], "a b", true)).toMatchObject({ ok: true, text: `${env}NEW=a b\n` });
		expect(editEnv(env, ["a", "b"], 1, true)).toMatchObject({ ok: false });
	});
});
