import { isDeepStrictEqual } from "node:util";
import dotenv from "dotenv";
import { type ParseError, parse as parseJsonc } from "jsonc-parser";
import { describe, expect, it } from "vitest";
import { isMap, isScalar, parseAllDocuments } from "yaml";
import type { EditResult, FlagValue } from "../../source/steps/flag/edit.js";
import { EDITORS } from "../../source/steps/flag/flag.js";
import { revertText } from "../../source/steps/flag/revert.js";
import { PYTHON, pythonRead } from "../helpers/python-judge.js";
import { type CorpusFile, envCorpus, jsonCorpus, yamlCorpus } from "./corpus.js";

/**
 * For every file of a corpus and every awkward value: the editor either refuses in words, or
 * writes a file that independent readers read as the original with that one value changed,
 * and that the rollback turns back into the original bytes. Anything else is a silent change.
 */
interface Tally {
	files: number;
	edits: number;
	/** Edits the reference reader could not judge: it reads the original differently at that key. */
	disagree: number;
	refused: Record<string, number>;
	silent: string[];
}

const tally = (): Tally => ({ files: 0, edits: 0, disagree: 0, refused: {}, silent: [] });

function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
	return path.reduce<unknown>(
		(node, segment) => (node as Record<string, unknown> | null | undefined)?.[segment],
		root,
	);
}

/** A value as it comes back from the Python judge: through JSON, dates as ISO text. */
function toPlainJson(value: unknown): unknown {
	return JSON.parse(
		JSON.stringify(value === undefined ? null : value, (_, item) =>
			item instanceof Date ? item.toISOString() : item,
		),
	);
}

function refuse(counts: Tally, result: EditResult & { ok: false }) {
	const reason = result.reason.replace(/"[^"]*"|\S*\/\S*/g, "…").slice(0, 70);
	counts.refused[reason] = (counts.refused[reason] ?? 0) + 1;
}

function report(format: string, counts: Tally) {
	const refused = Object.values(counts.refused).reduce((sum, count) => sum + count, 0);
	console.log(
		`${format}: ${counts.files} files, ${counts.edits} edits written, ${refused} refused, ${counts.silent.length} silent changes (${counts.disagree} edits the reference reader could not judge: it reads the original differently there)`,
	);
	for (const [reason, count] of Object.entries(counts.refused)
		.sort((a, b) => b[1] - a[1])
		.slice(0, 8))
		console.log(`  refused ${count}× ${reason}`);
	for (const line of counts.silent.slice(0, 10)) console.log(`  SILENT ${line}`);
}

/** Whether `actual` is `expected` with one value set; `expected` is changed only for the comparison. */
function equalWithValue(
	actual: unknown,
	expected: unknown,
	path: readonly (string | number)[],
	value: unknown,
): boolean {
	let cursor = expected as Record<string, unknown>;
	for (const segment of path.slice(0, -1)) cursor = cursor[segment] as Record<string, unknown>;
	const key = String(path.at(-1));
	const had = Object.hasOwn(cursor, key);
	const old = cursor[key];
	cursor[key] = value;
	const equal = isDeepStrictEqual(actual, expected);
	if (had) cursor[key] = old;
	else delete cursor[key];
	return equal;
}

const revertsExactly = (
	format: "yaml" | "json" | "env",
	original: string,
	result: EditResult & { ok: true },
	key: string,
	value: FlagValue,
) => {
	const back = revertText(result.text, { format, key, current: value, previous: result.previous });
	return back.status === "done" && back.text === original;
};

const YAML_FILES = 240;
const YAML_VALUES: FlagValue[] = [
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
	"# not",
	"",
	" lead",
	"a: b",
	'it\'s "q"',
	"multi\nline",
	true,
	1e21,
];

/** Paths to the scalars of a document's nested mappings whose keys are plain strings: the first and the last. */
function yamlLeaves(contents: unknown): string[][] {
	const leaves: string[][] = [];
	const walk = (node: unknown, path: string[]) => {
		if (!isMap(node)) return;
		for (const pair of node.items) {
			if (!isScalar(pair.key) || typeof pair.key.value !== "string") continue;
			const key = pair.key.value;
			if (isScalar(pair.value)) leaves.push([...path, key]);
			else walk(pair.value, [...path, key]);
		}
	};
	walk(contents, []);
	return leaves.length > 1 ? [leaves[0] ?? [], leaves.at(-1) ?? []] : leaves;
}

describe("editors over real files", { timeout: 600_000 }, () => {
	it("YAML: every edit reads back under YAML 1.2, 1.1 and PyYAML as one changed value, and reverts to the same bytes", () => {
		const counts = tally();
		const python: {
			file: CorpusFile;
			path: string[];
			document: number;
			value: FlagValue;
			after: string;
			previous: unknown;
		}[] = [];
		for (const file of yamlCorpus()) {
			// Each YAML edit reads the file four times over: 240 files keep the run near a minute.
			if (counts.files >= YAML_FILES) break;
			const docs = parseAllDocuments(file.text, { uniqueKeys: false });
			if (!Array.isArray(docs) || docs.length === 0 || docs.some((doc) => doc.errors.length > 0)) continue;
			let before: unknown[];
			try {
				before = docs.map((doc) => doc.toJS());
			} catch {
				continue;
			}
			// One value per file keeps the run short: the first leaf of one file, the last of the next.
			const leaves = docs.flatMap((doc, document) =>
				yamlLeaves(doc.contents).map((path) => ({ path, document })),
			);
			const targets = counts.files % 2 === 0 ? leaves.slice(0, 1) : leaves.slice(-1);
			if (targets.length === 0) continue;
			counts.files++;
			const docs11 = parseAllDocuments(file.text, { version: "1.1", uniqueKeys: false });
			let before11: unknown[] | undefined;
			try {
				before11 =
					Array.isArray(docs11) && docs11.every((doc) => doc.errors.length === 0)
						? docs11.map((doc) => doc.toJS())
						: undefined;
			} catch {
				before11 = undefined;
			}
			for (const { path, document } of targets) {
				for (const value of YAML_VALUES) {
					const result = EDITORS.yaml.edit(
						file.text,
						path,
						value,
						false,
						docs.length > 1 ? document : undefined,
					);
					if (!result.ok) {
						refuse(counts, result);
						continue;
					}
					if (result.noop) continue;
					counts.edits++;
					const where = `${file.name} ${JSON.stringify(path)} = ${JSON.stringify(value)}`;
					const after = parseAllDocuments(result.text, { uniqueKeys: false });
					if (
						!Array.isArray(after) ||
						!equalWithValue(
							after.map((doc) => doc.toJS()),
							before,
							[document, ...path],
							value,
						)
					) {
						counts.silent.push(`1.2 ${where}`);
						continue;
					}
					if (before11) {
						const after11 = parseAllDocuments(result.text, { version: "1.1", uniqueKeys: false });
						if (
							!Array.isArray(after11) ||
							!equalWithValue(
								after11.map((doc) => doc.toJS()),
								before11,
								[document, ...path],
								value,
							)
						) {
							counts.silent.push(`1.1 ${where}`);
							continue;
						}
					}
					if (!revertsExactly("yaml", file.text, result, JSON.stringify(path), value))
						counts.silent.push(`revert ${where}`);
					python.push({
						file,
						path,
						document,
						value,
						after: result.text,
						previous: result.previous.present ? toPlainJson(result.previous.value) : undefined,
					});
				}
			}
		}
		if (PYTHON) {
			const originals = [...new Set(python.map((item) => item.file))];
			const read = pythonRead([
				...originals.map((file) => ["yaml", file.text] as const),
				...python.map((item) => ["yaml", item.after] as const),
			]);
			const beforeOf = new Map(originals.map((file, index) => [file, read[index]]));
			python.forEach((item, index) => {
				const before = beforeOf.get(item.file);
				// Where PyYAML reads the original differently at that key, it is no judge of the edit.
				if (
					!before ||
					!("ok" in before) ||
					!isDeepStrictEqual(valueAt(before.ok, [item.document, ...item.path]), item.previous)
				) {
					counts.disagree++;
					return;
				}
				const after = read[originals.length + index];
				if (
					!after ||
					!("ok" in after) ||
					!equalWithValue(after.ok, before.ok, [item.document, ...item.path], item.value)
				)
					counts.silent.push(
						`PyYAML ${item.file.name} ${JSON.stringify(item.path)} = ${JSON.stringify(item.value)}: ${JSON.stringify(after).slice(0, 120)}`,
					);
			});
		}
		report("YAML", counts);
		expect(counts.files).toBeGreaterThanOrEqual(200);
		expect(YAML_VALUES.length).toBeGreaterThanOrEqual(20);
		expect(counts.silent).toEqual([]);
	});

	const JSON_VALUES: FlagValue[] = [
		'a"b',
		"back\\slash",
		"x\u2028y",
		"nul\u0000",
		"emoji 😀",
		"</script>",
		"",
		"line\nbreak",
		"\t",
		"1",
		"true",
		"null",
		'{"not":"object"}',
		"[1]",
		"// not a comment",
		"/* x */",
		true,
		false,
		null,
		0,
		-0.5,
		1e300,
		2 ** 53 + 2,
	];

	/** Paths to the primitive values of nested objects: the first and the last. */
	function jsonLeaves(value: unknown): string[][] {
		const leaves: string[][] = [];
		const walk = (node: unknown, path: string[]) => {
			if (node === null || typeof node !== "object" || Array.isArray(node)) return;
			for (const [key, child] of Object.entries(node)) {
				if (child === null || typeof child !== "object") leaves.push([...path, key]);
				else walk(child, [...path, key]);
			}
		};
		walk(value, []);
		return leaves.length > 1 ? [leaves[0] ?? [], leaves.at(-1) ?? []] : leaves;
	}

	it("JSON: every edit reads back (jsonc-parser, and JSON.parse for strict files) as one changed value, and reverts", () => {
		const counts = tally();
		for (const file of jsonCorpus()) {
			const errors: ParseError[] = [];
			const body = file.text.replace(/^\uFEFF/, "");
			const before = parseJsonc(body, errors, { allowTrailingComma: true });
			if (errors.length > 0 || before === null || typeof before !== "object" || Array.isArray(before))
				continue;
			let strict = true;
			try {
				JSON.parse(body);
			} catch {
				strict = false;
			}
			counts.files++;
			const targets = [
				...jsonLeaves(before).map((path) => ({ path, create: false })),
				{ path: ["rolloutNewFlag.x"], create: true },
			];
			for (const { path, create } of targets) {
				for (const value of create ? JSON_VALUES.slice(0, 3) : JSON_VALUES) {
					const result = EDITORS.json.edit(file.text, path, value, create);
					if (!result.ok) {
						refuse(counts, result);
						continue;
					}
					if (result.noop) continue;
					counts.edits++;
					const where = `${file.name} ${JSON.stringify(path)} = ${JSON.stringify(value)}`;
					const afterBody = result.text.replace(/^\uFEFF/, "");
					const afterErrors: ParseError[] = [];
					const after = parseJsonc(afterBody, afterErrors, { allowTrailingComma: true });
					let strictAfter: unknown = after;
					if (strict) {
						try {
							strictAfter = JSON.parse(afterBody);
						} catch {
							strictAfter = Symbol("unreadable");
						}
					}
					if (
						afterErrors.length > 0 ||
						!equalWithValue(after, before, path, value) ||
						!equalWithValue(strictAfter, before, path, value)
					)
						counts.silent.push(where);
					else if (!revertsExactly("json", file.text, result, JSON.stringify(path), value))
						counts.silent.push(`revert ${where}`);
				}
			}
		}
		report("JSON", counts);
		expect(counts.files).toBeGreaterThanOrEqual(200);
		expect(counts.silent).toEqual([]);
	});

	const ENV_VALUES: FlagValue[] = [
		'say "hi"',
		"C:\\new\\dir",
		"it's",
		"a#b",
		" padded ",
		"two\nlines",
		"tab\there",
		"${HOME}",
		"$HOME",
		"'quoted'",
		'"dq"',
		"`bt`",
		"=",
		"a=b",
		"",
		"#",
		"café ✓",
		"\\",
		"ends\\",
		"x # y",
		`'mixed" \\`,
		"export",
		"x\u2028y",
		true,
		0,
		null,
	];

	it("env: every edit reads back under npm dotenv and python-dotenv as one changed value, and reverts", () => {
		const counts = tally();
		const python: {
			before: string;
			after: string;
			key: string;
			value: string;
			where: string;
			previous: string | undefined;
		}[] = [];
		for (const file of envCorpus()) {
			const before = dotenv.parse(file.text);
			const keys = Object.keys(before);
			if (keys.length === 0) continue;
			counts.files++;
			const targets = [...new Set([keys[0], keys.at(-1)])].filter((key): key is string => key !== undefined);
			for (const key of [...targets, "ROLLOUT_NEW_FLAG"]) {
				const create = !(key in before);
				for (const value of create ? ENV_VALUES.slice(0, 4) : ENV_VALUES) {
					const result = EDITORS.env.edit(file.text, [key], value, create);
					if (!result.ok) {
						refuse(counts, result);
						continue;
					}
					if (result.noop) continue;
					counts.edits++;
					const wanted = value === null ? "" : String(value);
					const where = `${file.name} ${key} = ${JSON.stringify(value)}`;
					if (!isDeepStrictEqual(dotenv.parse(result.text), { ...before, [key]: wanted }))
						counts.silent.push(`dotenv ${where}`);
					else if (!revertsExactly("env", file.text, result, key, value))
						counts.silent.push(`revert ${where}`);
					else
						python.push({
							before: file.text,
							after: result.text,
							key,
							value: wanted,
							where,
							previous: before[key],
						});
				}
			}
		}
		if (PYTHON) {
			const read = pythonRead(
				python.flatMap((item) => [["env", item.before] as const, ["env", item.after] as const]),
			);
			python.forEach((item, index) => {
				const before = read[index * 2];
				const after = read[index * 2 + 1];
				if (!before || !after || !("ok" in before) || !("ok" in after)) return;
				const old = before.ok as Record<string, unknown>;
				if (old[item.key] !== item.previous) {
					counts.disagree++;
					return;
				}
				// python-dotenv must read the new value; where it read the old line as dotenv did, nothing else may move.
				const expected = { ...old, [item.key]: item.value };
				if (!isDeepStrictEqual(after.ok, expected))
					counts.silent.push(`python-dotenv ${item.where}: ${JSON.stringify(after.ok).slice(0, 160)}`);
			});
		}
		report("env", counts);
		expect(counts.files).toBeGreaterThanOrEqual(200);
		expect(counts.silent).toEqual([]);
	});
});
