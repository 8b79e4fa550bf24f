import { type Document, isMap, isPair, isSeq, LineCounter, parseDocument } from "yaml";
import { duplicateKeys } from "./duplicate-keys.js";
import type { ChecklistProblem } from "./errors.js";
import { position } from "./locate.js";

/** One YAML file as parsed: its document and what turns offsets into lines and columns. */
export interface YamlSource {
	readonly name: string;
	readonly text: string;
	readonly doc: Document;
	readonly lineCounter: LineCounter;
}

export type YamlResult =
	| { readonly ok: true; readonly source: YamlSource; readonly data: Record<string, unknown> }
	| { readonly ok: false; readonly problems: readonly ChecklistProblem[] };

/** Aliases are fine for sharing blocks; past this many, the file is treated as an alias bomb. */
const MAX_ALIAS_COUNT = 200;
/** A checklist needs a dozen levels; far deeper nesting is refused before anything recurses into it. */
const MAX_DEPTH = 64;
const TOO_DEEP = `refused: nested more than ${MAX_DEPTH} levels deep`;

/** A refusal about the file as a whole, with no position. */
export const whole = (file: string, message: string): YamlResult => ({
	ok: false,
	problems: [{ file, message }],
});

/**
 * Parses YAML text that must hold one mapping; every problem (syntax, duplicate keys, aliases,
 * depth, not a mapping) is reported at its line and column, none thrown. `mapping` says what
 * the mapping is, for the message when the text holds something else.
 */
export function parseYamlMapping(text: string, name: string, mapping: string): YamlResult {
	const lineCounter = new LineCounter();
	let doc: Document;
	try {
		// Duplicate keys are found by `duplicateKeys`, in one pass.
		doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
	} catch (error) {
		if (error instanceof RangeError) return whole(name, TOO_DEEP);
		throw error;
	}
	const at = (offset: number, message: string): ChecklistProblem => ({
		file: name,
		...position(lineCounter, offset),
		key: "",
		message,
	});
	const yamlProblems = [
		...[...doc.errors, ...doc.warnings].map((error) =>
			at(error.pos[0], yamlMessage(error.code, error.message, text.slice(error.pos[0]))),
		),
		...duplicateKeys(doc).map(({ offset, key }) => at(offset, `duplicate key "${key}"`)),
	];
	if (yamlProblems.length > 0) return { ok: false, problems: yamlProblems };
	if (doc.contents === null) return whole(name, "is empty");
	const deep = tooDeep(doc.contents);
	if (deep !== undefined) return { ok: false, problems: [at(deep, TOO_DEEP)] };
	let data: unknown;
	try {
		data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
	} catch (error) {
		const message =
			error instanceof RangeError
				? TOO_DEEP
				: /alias/i.test((error as Error).message)
					? "refused: aliases expand too far (an alias bomb?)"
					: (error as Error).message;
		return whole(name, message);
	}
	if (data === null || typeof data !== "object" || Array.isArray(data))
		return { ok: false, problems: [at(0, mapping)] };
	return { ok: true, source: { name, text, doc, lineCounter }, data: data as Record<string, unknown> };
}

/** The offset of the first node nested deeper than MAX_DEPTH; walked without recursion. */
function tooDeep(root: unknown): number | undefined {
	const stack: { node: unknown; depth: number }[] = [{ node: root, depth: 0 }];
	for (let item = stack.pop(); item; item = stack.pop()) {
		const { node, depth } = item;
		const range = (node as { range?: [number, number] } | undefined)?.range;
		if (depth > MAX_DEPTH) return range?.[0] ?? 0;
		if (isMap(node) || isSeq(node)) {
			for (const child of node.items) {
				stack.push({ node: isPair(child) ? child.value : child, depth: depth + 1 });
				if (isPair(child)) stack.push({ node: child.key, depth: depth + 1 });
			}
		}
	}
	return undefined;
}

function yamlMessage(code: string, message: string, rest: string): string {
	const plain = message.replace(/ at line \d+, column \d+:[\s\S]*$/, "");
	switch (code) {
		case "DUPLICATE_KEY":
			return `duplicate key "${/^[^:\n]*/.exec(rest)?.[0].trim() ?? ""}"`;
		case "MULTIPLE_DOCS":
			return "a checklist is one YAML document: remove the second ---";
		case "TAG_RESOLVE_FAILED":
			return `${plain} (checklists use plain YAML values)`;
		default:
			return /Maximum call stack/.test(plain) ? TOO_DEEP : `YAML: ${plain}`;
	}
}
