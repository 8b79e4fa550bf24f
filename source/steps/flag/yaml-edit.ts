import { isDeepStrictEqual } from "node:util";
import { type Document, isAlias, isMap, isScalar, type Node, parseDocument, type YAMLMap } from "yaml";
import { type EditResult, type FlagValue, lineEnding, sameValue } from "./edit.js";

/**
 * Changes one scalar in a YAML file by splicing its source text, so comments, order,
 * spacing, line endings and a BOM stay exactly as they were. The result is parsed again
 * and must differ from the original in that one value only.
 */
export function editYaml(
	text: string,
	path: readonly string[],
	value: FlagValue,
	create: boolean,
): EditResult {
	const doc = parseDocument(text);
	if (doc.errors.length > 0)
		return { ok: false, reason: `not valid YAML: ${doc.errors[0]?.message.split("\n")[0]}` };
	const before = doc.toJS();
	let node: unknown = doc.contents;
	for (const [index, segment] of path.entries()) {
		if (isAlias(node))
			return {
				ok: false,
				reason: `${path.slice(0, index).join(".")} is an alias; edit the anchored value instead`,
			};
		if (!isMap(node))
			return { ok: false, reason: `${path.slice(0, index).join(".") || "the document"} is not a mapping` };
		const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === segment);
		if (!pair) {
			if (!create)
				return { ok: false, reason: `${path.join(".")} is not in the file (set create: true to add it)` };
			if (index !== path.length - 1)
				return { ok: false, reason: `${path.slice(0, index + 1).join(".")} is not in the file` };
			return insertKey(text, doc, node, segment, value, before, path);
		}
		node = pair.value;
	}
	if (isAlias(node))
		return { ok: false, reason: `${path.join(".")} is an alias; edit the anchored value instead` };
	if (!isScalar(node) || !node.range) return { ok: false, reason: `${path.join(".")} is not a single value` };
	const previous = node.toJSON();
	if (sameValue(previous, value))
		return { ok: true, text, previous: { present: true, value: previous }, noop: true };
	const [start, end] = node.range;
	const next = `${text.slice(0, start)}${scalarText(value)}${text.slice(end)}`;
	return checked(next, before, path, value, { present: true, value: previous });
}

function insertKey(
	text: string,
	doc: Document,
	map: YAMLMap,
	key: string,
	value: FlagValue,
	before: unknown,
	path: readonly string[],
): EditResult {
	if (map.flow) return { ok: false, reason: `cannot add ${path.join(".")} to a flow mapping ({ … })` };
	const last = map.items.at(-1);
	const lastNode = (last?.value ?? last?.key) as Node | undefined;
	const firstKey = map.items[0]?.key as Node | undefined;
	const eol = lineEnding(text);
	if (!lastNode?.range || !firstKey?.range) {
		if (doc.contents !== map || map.items.length > 0)
			return { ok: false, reason: `cannot add ${path.join(".")} here` };
	}
	const keyStart = firstKey?.range?.[0] ?? 0;
	const indent = keyStart - (text.lastIndexOf("\n", keyStart - 1) + 1);
	const after = lastNode?.range?.[2] ?? text.length;
	const lineEnd = text.indexOf("\n", Math.max(after - 1, 0));
	const at = lineEnd < 0 ? text.length : lineEnd + 1;
	const needsBreak = at === text.length && text.length > 0 && !text.endsWith("\n");
	const line = `${needsBreak ? eol : ""}${" ".repeat(Math.max(indent, 0))}${key}: ${scalarText(value)}${eol}`;
	return checked(`${text.slice(0, at)}${line}${text.slice(at)}`, before, path, value, { present: false });
}

function checked(
	next: string,
	before: unknown,
	path: readonly string[],
	value: FlagValue,
	previous: { present: true; value: unknown } | { present: false },
): EditResult {
	const after = parseDocument(next);
	const expected = structuredClone(before) as Record<string, unknown>;
	let cursor = expected;
	for (const segment of path.slice(0, -1)) cursor = cursor[segment] as Record<string, unknown>;
	cursor[path.at(-1) ?? ""] = value;
	if (after.errors.length > 0 || !isDeepStrictEqual(after.toJS(), expected)) {
		return {
			ok: false,
			reason: `could not change ${path.join(".")} without changing anything else; edit it by hand`,
		};
	}
	return { ok: true, text: next, previous, noop: false };
}

/**
 * A value as a YAML scalar: plain where it reads back the same under YAML 1.2 and 1.1
 * (Python's PyYAML reads `yes` and `on` as booleans), double-quoted otherwise.
 */
function scalarText(value: FlagValue): string {
	if (value === null) return "null";
	if (typeof value !== "string") return String(value);
	const readsBack = (["1.2", "1.1"] as const).every(
		(version) => (parseDocument(`v: ${value}`, { version }).toJS() as { v?: unknown } | null)?.v === value,
	);
	return readsBack && !value.includes("#") && value.trim() === value && value !== ""
		? value
		: JSON.stringify(value);
}

/** Removes one key (and its value's lines) from a block mapping; the inverse of creating it. */
export function removeYaml(text: string, path: readonly string[]): EditResult {
	const doc = parseDocument(text);
	if (doc.errors.length > 0) return { ok: false, reason: "not valid YAML" };
	const parent = path.length > 1 ? doc.getIn(path.slice(0, -1), true) : doc.contents;
	if (!isMap(parent)) return { ok: true, text, previous: { present: false }, noop: true };
	const pair = parent.items.find((item) => isScalar(item.key) && String(item.key.value) === path.at(-1));
	if (!pair) return { ok: true, text, previous: { present: false }, noop: true };
	if (parent.flow)
		return { ok: false, reason: `cannot remove ${path.join(".")} from a flow mapping ({ … })` };
	const keyNode = pair.key as Node;
	const valueNode = (pair.value ?? pair.key) as Node;
	const start = text.lastIndexOf("\n", (keyNode.range?.[0] ?? 0) - 1) + 1;
	const lineEnd = text.indexOf("\n", Math.max((valueNode.range?.[1] ?? 0) - 1, start));
	const end = lineEnd < 0 ? text.length : lineEnd + 1;
	const next = `${text.slice(0, start)}${text.slice(end)}`;
	const expected = structuredClone(doc.toJS()) as Record<string, unknown>;
	let cursor = expected;
	for (const segment of path.slice(0, -1)) cursor = cursor[segment] as Record<string, unknown>;
	const previous = cursor[path.at(-1) ?? ""];
	delete cursor[path.at(-1) ?? ""];
	if (!isDeepStrictEqual(parseDocument(next).toJS(), expected)) {
		return {
			ok: false,
			reason: `could not remove ${path.join(".")} without changing anything else; edit it by hand`,
		};
	}
	return { ok: true, text: next, previous: { present: true, value: previous }, noop: false };
}
