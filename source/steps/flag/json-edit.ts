import {
	applyEdits,
	findNodeAtLocation,
	getNodeValue,
	modify,
	type ParseError,
	parseTree,
} from "jsonc-parser";
import { canonicalJson } from "../../session/canonical.js";
import { type EditResult, type FlagValue, lineEnding, sameValue } from "./edit.js";

/** Changes one value in a JSON file through a text edit of just that value; everything else keeps its bytes. */
export function editJson(
	text: string,
	path: readonly string[],
	value: FlagValue,
	create: boolean,
): EditResult {
	const bom = text.startsWith("\uFEFF") ? "\uFEFF" : "";
	const body = text.slice(bom.length);
	const errors: ParseError[] = [];
	const tree = parseTree(body, errors, { allowTrailingComma: false });
	if (!tree || errors.length > 0) return { ok: false, reason: "not valid JSON" };
	const before = getNodeValue(tree);
	const node = findNodeAtLocation(tree, [...path]);
	if (!node && !create)
		return { ok: false, reason: `${path.join(".")} is not in the file (set create: true to add it)` };
	if (node && (node.type === "object" || node.type === "array")) {
		return { ok: false, reason: `${path.join(".")} is not a single value` };
	}
	const previous = node
		? ({ present: true, value: getNodeValue(node) } as const)
		: ({ present: false } as const);
	if (previous.present && sameValue(previous.value, value)) return { ok: true, text, previous, noop: true };
	const indent = /\n([ \t]+)"/.exec(body)?.[1] ?? "  ";
	const edits = modify(body, [...path], value, {
		formattingOptions: {
			insertSpaces: !indent.startsWith("\t"),
			tabSize: indent.length,
			eol: lineEnding(body),
		},
	});
	const next = applyEdits(body, edits);
	const expected = JSON.parse(JSON.stringify(before)) as Record<string, unknown>;
	let cursor = expected;
	for (const segment of path.slice(0, -1)) {
		if (typeof cursor[segment] !== "object" || cursor[segment] === null) {
			return { ok: false, reason: `${path.join(".")}: its parent is not an object` };
		}
		cursor = cursor[segment] as Record<string, unknown>;
	}
	cursor[path.at(-1) ?? ""] = value;
	const reparsed = parseTree(next, []);
	if (!reparsed || canonicalJson(getNodeValue(reparsed)) !== canonicalJson(expected)) {
		return {
			ok: false,
			reason: `could not change ${path.join(".")} without changing anything else; edit it by hand`,
		};
	}
	return { ok: true, text: `${bom}${next}`, previous, noop: false };
}

/** Removes one property from a JSON file; the inverse of creating it. */
export function removeJson(text: string, path: readonly string[]): EditResult {
	const bom = text.startsWith("\uFEFF") ? "\uFEFF" : "";
	const body = text.slice(bom.length);
	const tree = parseTree(body, []);
	const node = tree && findNodeAtLocation(tree, [...path]);
	if (!node) return { ok: true, text, previous: { present: false }, noop: true };
	const edits = modify(body, [...path], undefined, { formattingOptions: { eol: lineEnding(body) } });
	return {
		ok: true,
		text: `${bom}${applyEdits(body, edits)}`,
		previous: { present: true, value: getNodeValue(node) },
		noop: false,
	};
}
