import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import dotenv from "dotenv";
import { parse as parseJsonc } from "jsonc-parser";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { decodeBytes, type EditResult, encodeBytes } from "../../source/steps/flag/edit.js";
import { editEnv } from "../../source/steps/flag/env-edit.js";
import { planFlag } from "../../source/steps/flag/flag.js";
import { editJson } from "../../source/steps/flag/json-edit.js";
import { revertFlag } from "../../source/steps/flag/revert.js";
import { editYaml } from "../../source/steps/flag/yaml-edit.js";
import { PYTHON, pythonRead } from "../helpers/python-judge.js";
import { tempDir } from "../helpers/temp.js";

const ok = (result: EditResult) => {
	if (!result.ok) throw new Error(result.reason);
	return result;
};

/** Writes a file, edits it on disk like the flag step, reverts it like the rollback; returns both texts. */
function roundTrip(
	name: string,
	text: string,
	key: string | string[],
	value: string | number | boolean | null,
	options: { create?: boolean; document?: number } = {},
) {
	const dir = tempDir();
	const file = join(dir, name);
	writeFileSync(file, text);
	const step = { kind: "flag", id: "f", title: "f", file, key, value, ...options } as const;
	const plan = planFlag(step as never, dir);
	const edited = ok(plan.edit);
	writeFileSync(file, encodeBytes(edited.text));
	const reverted = revertFlag(
		{
			file,
			format: plan.file.endsWith(".json") ? "json" : name.endsWith(".env") ? "env" : "yaml",
			key: String(key),
			current: value,
			previous: edited.previous,
		},
		false,
	);
	return { after: edited.text, reverted, restored: readFileSync(file, "utf8") };
}

describe(".env values are read and written as npm dotenv and python-dotenv read them", () => {
	const original =
		'# settings\nthud=fred#qux\nEMPTY= # comment\nMULTI="THIS\nIS\nMULTI"\nexport TAIL=1 # last\n';

	it("sets values next to a bare #, an empty value with a comment and a multi-line value, and reverts to the same bytes", () => {
		for (const [key, value] of [
			["thud", "x"],
			["EMPTY", "set"],
			["MULTI", "one line"],
		] as const) {
			const { after, reverted, restored } = roundTrip(".env", original, key, value);
			const lines = after.split("\n");
			expect(dotenv.parse(after)).toEqual({ ...dotenv.parse(original), [key]: value });
			expect(lines.filter((line) => line.includes("#")).length).toBe(
				original.split("\n").filter((line) => line.includes("#")).length,
			);
			if (key === "MULTI") expect(lines).not.toContain("IS");
			expect(reverted.status).toBe("done");
			expect(restored).toBe(original);
		}
	});

	it("picks a quoting both readers read back: quotes, backslashes, apostrophes", () => {
		const text = "MSG=hello\nDIR=x\nA='quoted'\n";
		const cases = [
			["MSG", 'say "hi"'],
			["DIR", "C:\\new\\dir"],
			["A", "it's"],
			["MSG", "two\nlines"],
			["MSG", " padded "],
			["MSG", "#hash"],
		] as const;
		const written = cases.map(([key, value]) => ({
			key,
			value,
			text: ok(editEnv(text, [key], value, false)).text,
		}));
		for (const { key, value, text: after } of written) expect(dotenv.parse(after)[key]).toBe(value);
		expect(written[0]?.text).toContain(`MSG=say "hi"\n`);
		expect(written[1]?.text).toContain("DIR=C:\\new\\dir\n");
		if (!PYTHON) return;
		const python = pythonRead(written.map(({ text: after }) => ["env", after] as const));
		for (const [index, { key, value }] of written.entries())
			expect(python[index]).toEqual({ ok: expect.objectContaining({ [key]: value }) });
	});

	it("refuses, in one line, a value no quoting can carry", () => {
		const result = editEnv("A=1\n", ["A"], `"it's" \\`, false);
		expect(result).toMatchObject({
			ok: false,
			reason: expect.stringMatching(
				/cannot be written so that both npm dotenv and python-dotenv read it back/,
			),
		});
		expect(editEnv("A=1\n", ["A"], "${HOME}", false)).toMatchObject({
			ok: false,
			reason: expect.stringMatching(/expand/),
		});
	});
});

describe("bytes that are not UTF-8", () => {
	it("keeps a Latin-1 byte in a comment, in YAML and .env, and the revert gives the same bytes", () => {
		for (const [name, key] of [
			["c.yaml", "flag"],
			["c.env", "FLAG"],
		] as const) {
			const dir = tempDir();
			const file = join(dir, name);
			const bytes = Buffer.concat([
				Buffer.from("# caf"),
				Buffer.from([0xe9]),
				Buffer.from(`\n${key}${name.endsWith("yaml") ? ": " : "="}false\n`),
			]);
			writeFileSync(file, bytes);
			const edited = ok(
				planFlag({ kind: "flag", id: "f", title: "f", file, key, value: true } as never, dir).edit,
			);
			const after = encodeBytes(edited.text);
			expect(after.subarray(0, 6)).toEqual(bytes.subarray(0, 6));
			expect(after.includes(Buffer.from([0xef, 0xbf, 0xbd]))).toBe(false);
			writeFileSync(file, after);
			const reverted = revertFlag(
				{
					file,
					format: name.endsWith("yaml") ? "yaml" : "env",
					key,
					current: true,
					previous: edited.previous,
				},
				false,
			);
			expect(reverted.status).toBe("done");
			expect(readFileSync(file)).toEqual(bytes);
		}
		expect(encodeBytes(decodeBytes(Buffer.from([0x61, 0xff, 0xf0, 0x9f, 0x98, 0x80, 0xc3])))).toEqual(
			Buffer.from([0x61, 0xff, 0xf0, 0x9f, 0x98, 0x80, 0xc3]),
		);
	});
});

describe("a read-only config", () => {
	it("is refused before writing, in the plan as in the step", () => {
		const dir = tempDir();
		const file = join(dir, "ro.yaml");
		writeFileSync(file, "flag: false\n");
		chmodSync(file, 0o444);
		const plan = planFlag(
			{ kind: "flag", id: "f", title: "f", file, key: "flag", value: true } as never,
			dir,
		);
		expect(plan.edit).toEqual({
			ok: false,
			reason: `${file} is read-only (mode 0444): make it writable first if it is meant to change`,
		});
		expect(readFileSync(file, "utf8")).toBe("flag: false\n");
	});
});

describe("YAML values other programs read back", () => {
	const base = "name: svc\nvalue: x\nflag:\nlist: [a, b]\n";
	const awkward = [
		"a\tb",
		"=",
		"<<",
		"x\u0085y",
		"x\u2028y",
		"*.example.com",
		"@daily",
		"%x",
		"`x",
		",x",
		"~",
		"yes",
		"Off",
		"1:20",
		"0x1F",
		"2026-01-01",
		"# not a comment",
		"",
		" lead",
		"-",
		"?",
		"a: b",
		"null",
	];

	it("writes awkward strings so that yaml (1.2 and 1.1) and PyYAML read them back", () => {
		const written = awkward.map((value) => ({
			value,
			text: ok(editYaml(base, ["value"], value, false)).text,
		}));
		for (const { value, text } of written) {
			for (const version of ["1.2", "1.1"] as const) {
				const docs = parseAllDocuments(text, { version });
				expect(Array.isArray(docs) && docs[0]?.toJS()).toEqual({
					name: "svc",
					value,
					flag: null,
					list: ["a", "b"],
				});
			}
		}
		if (!PYTHON) return;
		const python = pythonRead(written.map(({ text }) => ["yaml", text] as const));
		for (const [index, { value }] of written.entries())
			expect(python[index]).toEqual({ ok: [{ name: "svc", value, flag: null, list: ["a", "b"] }] });
	});

	it("sets an empty value, a block scalar and a key in one document of several", () => {
		expect(ok(editYaml("flag:\nnext: 1\n", ["flag"], true, false)).text).toBe("flag: true\nnext: 1\n");
		expect(ok(editYaml("flag:   # why\nnext: 1\n", ["flag"], "on", false)).text).toBe(
			'flag:   "on" # why\nnext: 1\n',
		);
		expect(ok(editYaml("script: |\n  echo a\n  echo b\nnext: 1\n", ["script"], "echo c", false)).text).toBe(
			"script: echo c\nnext: 1\n",
		);
		const multi = "a: 1\n---\nkind: x\nflag: false\n";
		expect(editYaml(multi, ["flag"], true, false)).toMatchObject({
			ok: false,
			reason: "the file holds 2 YAML documents: add document: 0 to 1 to say which",
		});
		expect(ok(editYaml(multi, ["flag"], true, false, 1)).text).toBe("a: 1\n---\nkind: x\nflag: true\n");
		const { reverted, restored } = roundTrip("m.yaml", multi, "flag", true, { document: 1 });
		expect([reverted.status, restored]).toEqual(["done", multi]);
	});

	it("reverts a block scalar to its exact bytes", () => {
		const text = "script: >-\n  folded\n  text\n# c\nnext: 1\n";
		const { reverted, restored } = roundTrip("b.yaml", text, "script", "x");
		expect([reverted.status, restored]).toEqual(["done", text]);
	});
});

describe("JSON with comments and trailing commas", () => {
	const tsconfig =
		'{\n  // compiler\n  "compilerOptions": {\n    "strict": true, // always\n    "target": "es2022",\n  },\n  "editor.formatOnSave": false,\n}\n';

	it("edits JSONC, addresses a key with dots as a list, and keeps a trailing comment with its key on create", () => {
		const strict = ok(editJson(tsconfig, ["compilerOptions", "strict"], false, false)).text;
		expect(strict).toBe(tsconfig.replace('"strict": true', '"strict": false'));
		const dotted = roundTrip("settings.json", tsconfig, ["editor.formatOnSave"], true);
		expect(dotted.after).toContain('"editor.formatOnSave": true,');
		expect(dotted.restored).toBe(tsconfig);
		const text = '{\n    "a": 1, // first\n    "b": 2 // second\n}\n';
		const created = ok(editJson(text, ["c"], true, true)).text;
		expect(created).toBe('{\n    "a": 1, // first\n    "b": 2, // second\n    "c": true\n}\n');
		expect(parseJsonc(created)).toEqual({ a: 1, b: 2, c: true });
		const trailing = ok(editJson(tsconfig, ["compilerOptions", "module"], "nodenext", true)).text;
		expect(trailing).toContain('    "target": "es2022",\n    "module": "nodenext",\n  },');
		const { reverted, restored } = roundTrip("c.json", text, "c", true, { create: true });
		expect([reverted.status, restored]).toEqual(["done", text]);
	});

	it("says a missing dotted key is missing by its path", () => {
		expect(editJson(tsconfig, ["editor", "formatOnSave"], true, false)).toMatchObject({
			ok: false,
			reason: "editor.formatOnSave is not in the file (set create: true to add it)",
		});
	});
});
