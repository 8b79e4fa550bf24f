import { createHash } from "node:crypto";
import { homedir } from "node:os";
import { type Document, isMap, isPair, isSeq, LineCounter, parseDocument } from "yaml";
import type * as z from "zod";
import { expandPaths } from "../steps/registry.js";
import { cachedChecklist, keepChecklist, MAX_CHECKLIST_BYTES } from "./cached.js";
import { duplicateKeys } from "./duplicate-keys.js";
import { type ChecklistProblem, formatKeyPath } from "./errors.js";
import {
	declaredVars,
	expandHome,
	type InterpolationProblem,
	interpolateTree,
	resolveVars,
	type VarValue,
} from "./interpolate.js";
import { locate, position } from "./locate.js";
import { InputFileError, readInputFile } from "./read-file.js";
import { checkRules } from "./rules.js";
import { type Checklist, checklistSchema } from "./schema.js";
import { mapSteps } from "./steps.js";
import { allowedKeys, closest } from "./suggest.js";

/** A checklist ready to run. */
export interface LoadedChecklist {
	readonly checklist: Checklist;
	/** Absolute path of the file. */
	readonly file: string;
	/** SHA-256 of the file's bytes, recorded by every session started from it. */
	readonly sha256: string;
	/** Variables after defaults, `--var` overrides, interpolation and `~` expansion; a secret shows as ***. */
	readonly vars: Readonly<Record<string, VarValue>>;
	/** Secret values by variable name: substituted only when a step runs, masked everywhere else. */
	readonly secrets: ReadonlyMap<string, string>;
}

export type LoadResult =
	| { readonly ok: true; readonly loaded: LoadedChecklist }
	| { readonly ok: false; readonly problems: readonly ChecklistProblem[] };

export interface LoadOptions {
	/** `--var name=value` overrides. */
	readonly vars?: Readonly<Record<string, string>>;
	/** The file name used in messages; defaults to the path as given. */
	readonly displayName?: string;
	readonly home?: string;
	/** Where a secret's ROLLOUT_SECRET_<NAME> is looked up; the process environment by default. */
	readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Aliases are fine for sharing blocks; past this many, the file is treated as an alias bomb. */
const MAX_ALIAS_COUNT = 200;
/** A checklist needs a dozen levels; far deeper nesting is refused before anything recurses into it. */
const MAX_DEPTH = 64;
const TOO_DEEP = `refused: nested more than ${MAX_DEPTH} levels deep`;

/** Reads, parses, validates and interpolates a checklist file; every problem is reported, none thrown. */
export function loadChecklistFile(path: string, options: LoadOptions = {}): LoadResult {
	const name = options.displayName ?? path;
	const fail = (message: string): LoadResult => ({
		ok: false,
		problems: [{ file: name, message }],
	});
	let bytes: Buffer;
	try {
		bytes = readInputFile(path, MAX_CHECKLIST_BYTES, "a checklist file");
	} catch (error) {
		if (error instanceof InputFileError) return fail(error.message);
		throw error;
	}
	if (bytes.includes(0)) return fail("is a binary file, not a YAML checklist");
	let text: string;
	try {
		text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
	} catch {
		return fail(`is not UTF-8 text (first bad byte on line ${firstInvalidUtf8Line(bytes)})`);
	}
	const cached = cachedChecklist(path, bytes, options);
	if (cached) return { ok: true, loaded: cached };
	const sha256 = createHash("sha256").update(bytes).digest("hex");
	const result = parseChecklist(text, name, options);
	if (!result.ok) return result;
	const loaded = { ...result.loaded, file: path, sha256 };
	keepChecklist(loaded, options, declaresSecrets(loaded.checklist));
	return { ok: true, loaded };
}

/** Whether the checklist declares a secret variable: its loading then depends on the environment. */
function declaresSecrets(checklist: Checklist): boolean {
	return [...declaredVars(checklist.vars).values()].some((spec) => spec.secret);
}

/** Parses checklist source text; `name` is used in messages. */
export function parseChecklist(text: string, name: string, options: LoadOptions = {}): LoadResult {
	const home = options.home ?? homedir();
	const lineCounter = new LineCounter();
	let doc: Document;
	try {
		// Duplicate keys are found by `duplicateKeys`, in one pass.
		doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
	} catch (error) {
		if (error instanceof RangeError) return { ok: false, problems: [{ file: name, message: TOO_DEEP }] };
		throw error;
	}
	const at = (offset: number, key: string, message: string): ChecklistProblem => ({
		file: name,
		...position(lineCounter, offset),
		key,
		message,
	});

	const yamlProblems = [
		...[...doc.errors, ...doc.warnings].map((error) =>
			at(error.pos[0], "", yamlMessage(error.code, error.message, text.slice(error.pos[0]))),
		),
		...duplicateKeys(doc).map(({ offset, key }) => at(offset, "", `duplicate key "${key}"`)),
	];
	if (yamlProblems.length > 0) return { ok: false, problems: yamlProblems };
	if (doc.contents === null) return { ok: false, problems: [{ file: name, message: "is empty" }] };
	const deep = tooDeep(doc.contents);
	if (deep !== undefined) return { ok: false, problems: [at(deep, "", TOO_DEEP)] };

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
		return { ok: false, problems: [{ file: name, message }] };
	}
	if (data === null || typeof data !== "object" || Array.isArray(data)) {
		return {
			ok: false,
			problems: [at(0, "", "a checklist is a mapping with id, title and phases")],
		};
	}

	const record = data as Record<string, unknown>;
	const interpolation: InterpolationProblem[] = [];
	const specs = declaredVars(record.vars);
	const overrides = new Map(Object.entries(options.vars ?? {}));
	const problems: ChecklistProblem[] = [...overrides.keys()]
		.filter((key) => !specs.has(key))
		.map((key) => ({
			file: name,
			key: `--var ${key}`,
			message: `the checklist has no variable "${key}" (it has: ${[...specs.keys()].join(", ") || "none"})`,
		}));
	const resolved = resolveVars(specs, overrides, home, options.env);
	interpolation.push(...resolved.problems);
	const { vars: _vars, ...rest } = record;
	const interpolated = {
		vars: _vars,
		...(interpolateTree(rest, resolved, [], interpolation) as object),
	};

	for (const problem of interpolation) problems.push(locateInterpolation(doc, text, problem, at, name));
	const parsed = checklistSchema.safeParse(interpolated, { reportInput: true });
	if (!parsed.success)
		problems.push(...parsed.error.issues.flatMap((issue) => zodProblems(doc, issue, at, interpolated)));
	for (const rule of checkRules(interpolated, specs)) {
		const first = rule.first && position(lineCounter, locate(doc, rule.first).offset).line;
		const message = first ? `${rule.message} (first used on line ${first})` : rule.message;
		problems.push(at(locate(doc, rule.path, rule.atKey).offset, formatKeyPath(rule.path), message));
	}
	if (problems.length > 0 || !parsed.success) return { ok: false, problems: sortProblems(problems) };

	const expanded = mapSteps(parsed.data, (step) => expandPaths(step, (value) => expandHome(value, home)));
	// The checklist is recorded with each session: a secret's default stays out of it.
	const checklist = expanded.vars
		? {
				...expanded,
				vars: Object.fromEntries(
					Object.entries(expanded.vars).map(([key, entry]) => [
						key,
						specs.get(key)?.secret ? { secret: true } : entry,
					]),
				),
			}
		: expanded;
	const vars: Record<string, VarValue> = Object.create(null);
	for (const [key, value] of resolved.vars) vars[key] = value;
	for (const key of resolved.secrets.keys()) vars[key] = "***";
	return {
		ok: true,
		loaded: { checklist, file: name, sha256: "", vars, secrets: resolved.secrets },
	};
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

function locateInterpolation(
	doc: Document,
	text: string,
	problem: InterpolationProblem,
	at: (offset: number, key: string, message: string) => ChecklistProblem,
	name: string,
): ChecklistProblem {
	if (problem.path[0] === "--var") {
		return {
			file: name,
			key: formatKeyPath(problem.path),
			message: problem.message,
		};
	}
	const found = locate(doc, problem.path);
	let offset = found.offset;
	const range = (found.node as { range?: [number, number] } | undefined)?.range;
	if (range && problem.needle) {
		const inside = text.slice(range[0], range[1]).indexOf(problem.needle);
		if (inside >= 0) offset = range[0] + inside;
	}
	return at(offset, formatKeyPath(problem.path), problem.message);
}

function zodProblems(
	doc: Document,
	issue: z.core.$ZodIssue,
	at: (offset: number, key: string, message: string) => ChecklistProblem,
	data: unknown,
): ChecklistProblem[] {
	if (issue.code === "unrecognized_keys") {
		const allowed = allowedKeys(checklistSchema, data, issue.path);
		return issue.keys.map((key) => {
			const path = [...issue.path, key];
			const meant = closest(key, allowed);
			const hint = meant ? `: did you mean "${meant}"?` : "";
			return at(locate(doc, path, true).offset, formatKeyPath(path), `unknown key "${key}"${hint}`);
		});
	}
	const found = locate(doc, issue.path);
	const key = formatKeyPath(issue.path);
	if (found.missing || (issue.code === "invalid_type" && issue.input === undefined)) {
		const last = issue.path[issue.path.length - 1];
		return [at(found.offset, key, `missing required key "${String(last)}"`)];
	}
	return [at(found.offset, key, zodMessage(issue))];
}

function zodMessage(issue: z.core.$ZodIssue): string {
	// A message the schema wrote itself says more than a generic one rebuilt here.
	if (!/^(Invalid|Too small|Too big)/.test(issue.message)) return issue.message;
	switch (issue.code) {
		case "invalid_type":
			return `expected ${issue.expected}, found ${describe(issue.input)}`;
		case "invalid_value":
			return `expected one of ${issue.values.map((value) => JSON.stringify(value)).join(", ")}, found ${describe(issue.input)}`;
		case "too_small":
			return issue.origin === "array"
				? `needs at least ${issue.minimum} item(s)`
				: issue.inclusive === false
					? `must be more than ${issue.minimum}`
					: `must be at least ${issue.minimum}`;
		case "too_big":
			return `must be at most ${issue.maximum}`;
		case "invalid_key":
			return issue.issues[0]?.message ?? issue.message;
		default:
			return issue.message;
	}
}

function describe(value: unknown): string {
	if (value === null) return "null";
	if (Array.isArray(value)) return "a list";
	if (typeof value === "object") return "a mapping";
	return JSON.stringify(value);
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

function sortProblems(problems: ChecklistProblem[]): ChecklistProblem[] {
	return problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}

/** The line of the first byte that is not UTF-8, for the error message. */
function firstInvalidUtf8Line(bytes: Buffer): number {
	const lenient = bytes.toString("utf8");
	return lenient.slice(0, Math.max(0, lenient.indexOf("\uFFFD"))).split("\n").length;
}
