import {
	applyEdits,
	createScanner,
	findNodeAtLocation,
	getNodeValue,
	modify,
	type Node,
	type ParseError,
	parseTree,
} from "jsonc-parser";
import { canonicalJson } from "../../session/canonical.js";
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

/** jsonc-parser's token kinds (a const enum the build cannot import). */
const Token = {
	CloseBrace: 2,
	Comma: 5,
	LineComment: 12,
	BlockComment: 13,
	LineBreak: 14,
	Trivia: 15,
	EOF: 17,
} as const;

/** JSON with comments and trailing commas (tsconfig.json, VS Code settings) is read as it is written. */
const OPTIONS = { allowTrailingComma: true, disallowComments: false } as const;

function load(text: string): { ok: true; tree: Node; bom: number } | { ok: false; reason: string } {
	const bom = text.startsWith("\uFEFF") ? 1 : 0;
	const errors: ParseError[] = [];
	const tree = parseTree(text.slice(bom), errors, OPTIONS);
	if (!tree || errors.length > 0)
		return { ok: false, reason: "not valid JSON (comments and trailing commas are allowed)" };
	return { ok: true, tree, bom };
}

/** Reads the value at a key path. */
export function locateJson(text: string, path: readonly string[]): Located {
	const loaded = load(text);
	if (!loaded.ok) return loaded;
	const node = findNodeAtLocation(loaded.tree, [...path]);
	if (!node) return { ok: true, present: false };
	if (node.type === "object" || node.type === "array")
		return { ok: false, reason: `${showPath(path)} is not a single value` };
	return { ok: true, present: true, value: getNodeValue(node), start: loaded.bom + node.offset };
}

/** Changes one value in a JSON file through a text edit of just that value; everything else keeps its bytes. */
export function editJson(
	text: string,
	path: readonly string[],
	value: FlagValue,
	create: boolean,
): EditResult {
	const loaded = load(text);
	if (!loaded.ok) return loaded;
	const shown = showPath(path);
	if (typeof value === "number" && !Number.isFinite(value))
		return { ok: false, reason: `${value} cannot be written in JSON` };
	const node = findNodeAtLocation(loaded.tree, [...path]);
	const where = { path };
	if (node) {
		if (node.type === "object" || node.type === "array")
			return { ok: false, reason: `${shown} is not a single value` };
		const previous = { present: true, value: getNodeValue(node) } as const;
		if (sameValue(previous.value, value)) return { ok: true, text, previous, noop: true };
		const start = loaded.bom + node.offset;
		const edited = splice(text, start, start + node.length, JSON.stringify(value), start, where);
		return checked(text, edited, path, value, previous);
	}
	if (!create) return { ok: false, reason: `${shown} is not in the file (set create: true to add it)` };
	const parent = path.length > 1 ? findNodeAtLocation(loaded.tree, path.slice(0, -1)) : loaded.tree;
	if (parent?.type !== "object")
		return {
			ok: false,
			reason: `${showPath(path.slice(0, -1)) || "the document"} is not an object in the file`,
		};
	const key = path.at(-1) ?? "";
	const added = parent.children?.length
		? addAfterLast(text, loaded.bom, parent, key, value)
		: addToEmpty(text, loaded.bom, path, value);
	if (!added) return { ok: false, reason: `cannot add ${shown} here; edit it by hand` };
	return checked(text, { text: added.text, splice: { ...added.splice, path: [...path] } }, path, value, {
		present: false,
	});
}

/**
 * Adds `"key": value` after an object's last property, on a line of its own with that
 * property's indentation; a comment after the last property stays on its line, and a file
 * that ends properties with a comma keeps doing so.
 */
function addAfterLast(text: string, bom: number, parent: Node, key: string, value: FlagValue) {
	const body = text.slice(bom);
	const last = parent.children?.at(-1);
	if (!last) return undefined;
	const valueEnd = last.offset + last.length;
	const scanner = createScanner(body, false);
	scanner.setPosition(valueEnd);
	let comma = -1;
	let lineEnd = -1;
	let closing = -1;
	for (let token: number = scanner.scan(); token !== Token.EOF; token = scanner.scan()) {
		if (token === Token.Comma && comma < 0 && lineEnd < 0) comma = scanner.getTokenOffset();
		else if (token === Token.LineBreak) {
			lineEnd = scanner.getTokenOffset();
			break;
		} else if (token === Token.CloseBrace) {
			closing = scanner.getTokenOffset();
			break;
		} else if (token !== Token.Trivia && token !== Token.LineComment && token !== Token.BlockComment) break;
	}
	const property = `${JSON.stringify(key)}: ${JSON.stringify(value)}`;
	if (closing >= 0 || lineEnd < 0) {
		// `{ "a": 1 }` on one line: the new property joins it there.
		const at = comma >= 0 ? comma + 1 : valueEnd;
		const inserted = `${comma >= 0 ? "" : ","} ${property}${comma >= 0 ? "," : ""}`;
		return splice(
			text,
			bom + at,
			bom + at,
			inserted,
			bom + at + inserted.indexOf(property) + property.length - JSON.stringify(value).length,
			{ path: [] },
		);
	}
	const lineStart = body.lastIndexOf("\n", last.offset - 1) + 1;
	const indent = /^[ \t]*/.exec(body.slice(lineStart))?.[0] ?? "";
	const eol = body[lineEnd] === "\r" ? "\r\n" : lineEnding(body);
	const line = `${eol}${indent}${property}${comma >= 0 ? "," : ""}`;
	if (comma >= 0) {
		const edited = splice(
			text,
			bom + lineEnd,
			bom + lineEnd,
			line,
			bom + lineEnd + line.length - (comma >= 0 ? 1 : 0) - JSON.stringify(value).length,
			{ path: [] },
		);
		return edited;
	}
	// The comma goes right after the last value, before any comment on its line.
	const start = bom + valueEnd;
	const inserted = `,${body.slice(valueEnd, lineEnd)}${line}`;
	return splice(
		text,
		start,
		bom + lineEnd,
		inserted,
		start + inserted.length - JSON.stringify(value).length,
		{ path: [] },
	);
}

function addToEmpty(text: string, bom: number, path: readonly string[], value: FlagValue) {
	const body = text.slice(bom);
	const indent = /\n([ \t]+)"/.exec(body)?.[1] ?? "  ";
	const edits = modify(body, [...path], value, {
		formattingOptions: {
			insertSpaces: !indent.startsWith("\t"),
			tabSize: indent.length,
			eol: lineEnding(body),
		},
	});
	const edit = edits[0];
	if (edits.length !== 1 || !edit) return undefined;
	const next = applyEdits(body, edits);
	const valueText = JSON.stringify(value);
	const inserted = next.slice(edit.offset, edit.offset + edit.content.length);
	const valueAt = inserted.lastIndexOf(valueText);
	if (valueAt < 0) return undefined;
	return splice(
		text,
		bom + edit.offset,
		bom + edit.offset + edit.length,
		inserted,
		bom + edit.offset + valueAt,
		{ path: [] },
	);
}

function checked(
	before: string,
	edited: { text: string; splice: NonNullable<Previous["splice"]> },
	path: readonly string[],
	value: FlagValue,
	previous: Previous,
): EditResult {
	const old = load(before);
	const next = load(edited.text);
	const refusal = {
		ok: false,
		reason: `could not change ${showPath(path)} without changing anything else; edit it by hand`,
	} as const;
	if (!old.ok || !next.ok) return refusal;
	const expected = getNodeValue(old.tree) as Record<string, unknown>;
	let cursor = expected;
	for (const segment of path.slice(0, -1)) {
		const child = cursor[segment];
		if (typeof child !== "object" || child === null || Array.isArray(child))
			return { ok: false, reason: `${showPath(path)}: its parent is not an object` };
		cursor = child as Record<string, unknown>;
	}
	cursor[path.at(-1) ?? ""] = value;
	if (canonicalJson(getNodeValue(next.tree)) !== canonicalJson(expected)) return refusal;
	return { ok: true, text: edited.text, previous: { ...previous, splice: edited.splice }, noop: false };
}

/** Removes one property from a JSON file; the inverse of creating it. */
export function removeJson(text: string, path: readonly string[]): EditResult {
	const loaded = load(text);
	if (!loaded.ok) return loaded;
	const node = findNodeAtLocation(loaded.tree, [...path]);
	if (!node) return { ok: true, text, previous: { present: false }, noop: true };
	const bom = text.slice(0, loaded.bom);
	const body = text.slice(loaded.bom);
	const edits = modify(body, [...path], undefined, { formattingOptions: { eol: lineEnding(body) } });
	return {
		ok: true,
		text: `${bom}${applyEdits(body, edits)}`,
		previous: { present: true, value: getNodeValue(node) },
		noop: false,
	};
}
