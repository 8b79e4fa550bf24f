import { isDeepStrictEqual } from "node:util";
import { Composer, type Document, isAlias, isMap, isScalar, type Node, Parser, type YAMLMap } from "yaml";
import { duplicateKeys } from "../../checklist/duplicate-keys.js";
import {
	type EditResult,
	type FlagValue,
	type Located,
	lineEnding,
	type Previous,
	sameValue,
	showPath,
	splice,
} from "./edit.js";
import { scalarText } from "./yaml-scalar.js";

/** Duplicate keys are found by `duplicateKeys`, in one pass, not by yaml's own check. */
const OPTIONS = { uniqueKeys: false } as const;

type Loaded = { ok: true; docs: Document[] } | { ok: false; reason: string };

/** A YAML stream read by YAML 1.2 and by YAML 1.1 rules: the two differ only in how scalars resolve. */
interface Readings {
	readonly v12: Loaded;
	readonly v11: Loaded;
}

/** The last few files read: a preview, the step and a revert each read the same text again. */
const recent = new Map<string, Readings>();

/** Every document of a YAML stream under both versions, lexed once; or why it cannot be read. */
function read(text: string): Readings {
	const known = recent.get(text);
	if (known) return known;
	const tokens = [...new Parser().parse(text)];
	const compose = (version: "1.1" | "1.2") =>
		checkDocs([...new Composer({ ...OPTIONS, version }).compose(tokens, false, text.length)]);
	const readings = { v12: compose("1.2"), v11: compose("1.1") };
	if (recent.size >= 4) recent.delete(recent.keys().next().value ?? "");
	recent.set(text, readings);
	return readings;
}

function load(text: string): Loaded {
	return read(text).v12;
}

function checkDocs(list: Document[]): Loaded {
	for (const doc of list) {
		const error = doc.errors[0];
		if (error) return { ok: false, reason: `not valid YAML: ${error.message.split("\n")[0]}` };
		const duplicate = duplicateKeys(doc)[0];
		if (duplicate)
			return {
				ok: false,
				reason: `not valid YAML: the key ${JSON.stringify(duplicate.key)} appears twice in one mapping`,
			};
	}
	return { ok: true, docs: list };
}

function toJs(docs: readonly Document[]): unknown[] | undefined {
	try {
		return docs.map((doc) => doc.toJS());
	} catch {
		return undefined;
	}
}

function pickDocument(docs: readonly Document[], document: number | undefined): Document | string {
	if (document !== undefined) {
		const doc = docs[document];
		return doc ?? `the file holds ${docs.length} YAML document(s): document: ${document} is not one of them`;
	}
	if (docs.length > 1)
		return `the file holds ${docs.length} YAML documents: add document: 0 to ${docs.length - 1} to say which`;
	return docs[0] ?? "the file holds no YAML document";
}

type Found =
	| { kind: "value"; node: Node | null; flow: boolean }
	| { kind: "missing"; map: YAMLMap; key: string }
	| { kind: "refused"; reason: string };

function walk(doc: Document, path: readonly string[], create: boolean): Found {
	let node: unknown = doc.contents;
	let flow = false;
	for (const [index, segment] of path.entries()) {
		const here = showPath(path.slice(0, index));
		if (isAlias(node))
			return { kind: "refused", reason: `${here} is an alias; edit the anchored value instead` };
		if (!isMap(node)) return { kind: "refused", reason: `${here || "the document"} is not a mapping` };
		flow ||= node.flow === true;
		const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === segment);
		if (!pair) {
			if (!create || index !== path.length - 1) {
				const missing = showPath(path.slice(0, index + 1));
				return {
					kind: "refused",
					reason: create
						? `${missing} is not in the file`
						: `${showPath(path)} is not in the file (set create: true to add it)`,
				};
			}
			return { kind: "missing", map: node, key: segment };
		}
		node = pair.value;
	}
	return { kind: "value", node: node as Node | null, flow };
}

/** Reads the value at a key of one document. */
export function locateYaml(text: string, path: readonly string[], document?: number): Located {
	const loaded = load(text);
	if (!loaded.ok) return loaded;
	const doc = pickDocument(loaded.docs, document);
	if (typeof doc === "string") return { ok: false, reason: doc };
	const found = walk(doc, path, true);
	if (found.kind === "refused") return { ok: false, reason: found.reason };
	if (found.kind === "missing") return { ok: true, present: false };
	if (!isScalar(found.node) || !found.node.range)
		return { ok: false, reason: `${showPath(path)} is not a single value` };
	return { ok: true, present: true, value: found.node.toJSON(), start: found.node.range[0] };
}

/**
 * Changes one scalar in a YAML file by splicing its source text, so comments, order,
 * spacing, line endings and a BOM stay exactly as they were. The result is read again under
 * YAML 1.2 and 1.1 and must differ from the original in that one value only.
 */
export function editYaml(
	text: string,
	path: readonly string[],
	value: FlagValue,
	create: boolean,
	document?: number,
): EditResult {
	const loaded = load(text);
	if (!loaded.ok) return loaded;
	const doc = pickDocument(loaded.docs, document);
	if (typeof doc === "string") return { ok: false, reason: doc };
	const where = { path, document };
	const found = walk(doc, path, create);
	if (found.kind === "refused") return { ok: false, reason: found.reason };
	if (found.kind === "missing") return insertKey(text, loaded.docs, found.map, found.key, value, where);
	const node = found.node;
	if (isAlias(node))
		return { ok: false, reason: `${showPath(path)} is an alias; edit the anchored value instead` };
	if (!isScalar(node) || !node.range) return { ok: false, reason: `${showPath(path)} is not a single value` };
	const previous = node.toJSON();
	if (sameValue(previous, value))
		return { ok: true, text, previous: { present: true, value: previous }, noop: true };
	// A tag written before the value (`!!bool`, `!secret`) would apply to the new value too.
	if (node.tag)
		return { ok: false, reason: `${showPath(path)} has an explicit tag (${node.tag}); edit it by hand` };
	const written = scalarText(value, found.flow);
	if (!written.ok) return written;
	const [start, end] = node.range;
	let inserted = written.text;
	if (node.type === "BLOCK_LITERAL" || node.type === "BLOCK_FOLDED") {
		// A block scalar's text ends with its last line break: the new value keeps one.
		inserted += /\r?\n$/.exec(text.slice(start, end))?.[0] ?? "";
	} else if (start === end) {
		// An empty value (`flag:`): the new one needs a blank before it and before a comment after it.
		inserted = `${/[ \t]/.test(text[start - 1] ?? "") ? "" : " "}${inserted}${text[end] === "#" ? " " : ""}`;
	}
	const valueStart = start + (inserted.length - inserted.trimStart().length);
	const edited = splice(text, start, end, inserted, valueStart, where);
	return checked(text, loaded.docs, edited, where, value, { present: true, value: previous });
}

function insertKey(
	text: string,
	docs: readonly Document[],
	map: YAMLMap,
	key: string,
	value: FlagValue,
	where: { path: readonly string[]; document?: number },
): EditResult {
	const shown = showPath(where.path);
	if (map.flow) return { ok: false, reason: `cannot add ${shown} to a flow mapping ({ … })` };
	const last = map.items.at(-1);
	const lastNode = (last?.value ?? last?.key) as Node | undefined;
	const firstKey = map.items[0]?.key as Node | undefined;
	if (!lastNode?.range || !firstKey?.range) return { ok: false, reason: `cannot add ${shown} here` };
	const keyText = scalarText(key, false);
	const valueText = scalarText(value, false);
	if (!keyText.ok) return keyText;
	if (!valueText.ok) return valueText;
	const eol = lineEnding(text);
	const keyStart = firstKey.range[0];
	const indent = keyStart - (text.lastIndexOf("\n", keyStart - 1) + 1);
	const after = lastNode.range[2];
	const lineEnd = text.indexOf("\n", Math.max(after - 1, 0));
	const at = lineEnd < 0 ? text.length : lineEnd + 1;
	const open = at === text.length && text.length > 0 && !text.endsWith("\n");
	const body = `${" ".repeat(Math.max(indent, 0))}${keyText.text}: ${valueText.text}`;
	// A file without a final line break keeps that shape.
	const line = open ? `${eol}${body}` : `${body}${eol}`;
	const valueStart = at + line.length - (open ? 0 : eol.length) - valueText.text.length;
	const edited = splice(text, at, at, line, valueStart, where);
	return checked(text, docs, edited, where, value, { present: false });
}

function checked(
	before: string,
	docs: readonly Document[],
	edited: { text: string; splice: NonNullable<Previous["splice"]> },
	where: { path: readonly string[]; document?: number },
	value: FlagValue,
	previous: Previous,
): EditResult {
	const refusal = {
		ok: false,
		reason: `could not change ${showPath(where.path)} without changing anything else; edit it by hand`,
	} as const;
	const versions: { before: Loaded; after: Loaded; name: string }[] = [
		{ before: { ok: true, docs: [...docs] }, after: read(edited.text).v12, name: "1.2" },
	];
	const before11 = read(before).v11;
	if (before11.ok) versions.push({ before: before11, after: read(edited.text).v11, name: "1.1" });
	for (const version of versions) {
		if (!version.before.ok) continue;
		if (!version.after.ok)
			return {
				ok: false,
				reason: `the change would leave YAML ${version.name} readers unable to read the file`,
			};
		const expected = toJs(version.before.docs);
		const actual = toJs(version.after.docs);
		if (!expected || !actual || !setIn(expected, where.document ?? 0, where.path, value)) return refusal;
		if (!isDeepStrictEqual(actual, expected)) return refusal;
	}
	return { ok: true, text: edited.text, previous: { ...previous, splice: edited.splice }, noop: false };
}

function setIn(docs: unknown[], document: number, path: readonly string[], value: unknown): boolean {
	let cursor = docs as unknown as Record<string, unknown>;
	let key: string = String(document);
	for (const segment of path) {
		const next = cursor[key];
		if (typeof next !== "object" || next === null) return false;
		cursor = next as Record<string, unknown>;
		key = segment;
	}
	cursor[key] = value;
	return true;
}

/** Removes one key (and its value's lines) from a block mapping; the inverse of creating it. */
export function removeYaml(text: string, path: readonly string[], document?: number): EditResult {
	const loaded = load(text);
	if (!loaded.ok) return loaded;
	const doc = pickDocument(loaded.docs, document);
	if (typeof doc === "string") return { ok: false, reason: doc };
	const parent = path.length > 1 ? doc.getIn(path.slice(0, -1), true) : doc.contents;
	if (!isMap(parent)) return { ok: true, text, previous: { present: false }, noop: true };
	const pair = parent.items.find((item) => isScalar(item.key) && String(item.key.value) === path.at(-1));
	if (!pair) return { ok: true, text, previous: { present: false }, noop: true };
	if (parent.flow)
		return { ok: false, reason: `cannot remove ${showPath(path)} from a flow mapping ({ … })` };
	const keyNode = pair.key as Node;
	const valueNode = (pair.value ?? pair.key) as Node;
	const start = text.lastIndexOf("\n", (keyNode.range?.[0] ?? 0) - 1) + 1;
	const lineEnd = text.indexOf("\n", Math.max((valueNode.range?.[1] ?? 0) - 1, start));
	const end = lineEnd < 0 ? text.length : lineEnd + 1;
	const next = `${text.slice(0, start)}${text.slice(end)}`;
	const expected = toJs(loaded.docs);
	const after = load(next);
	const actual = after.ok ? toJs(after.docs) : undefined;
	let previous: unknown;
	if (expected) {
		let cursor = expected[document ?? 0] as Record<string, unknown>;
		for (const segment of path.slice(0, -1)) cursor = cursor[segment] as Record<string, unknown>;
		previous = cursor[path.at(-1) ?? ""];
		delete cursor[path.at(-1) ?? ""];
	}
	if (!expected || !actual || !isDeepStrictEqual(actual, expected)) {
		return {
			ok: false,
			reason: `could not remove ${showPath(path)} without changing anything else; edit it by hand`,
		};
	}
	return { ok: true, text: next, previous: { present: true, value: previous }, noop: false };
}
