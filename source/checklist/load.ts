import { createHash } from "node:crypto";
import { homedir } from "node:os";
import { dirname, resolve } from "node:path";
import type * as z from "zod";
import { expandPaths } from "../steps/registry.js";
import { cachedChecklist, keepChecklist, MAX_CHECKLIST_BYTES } from "./cached.js";
import { type ChecklistProblem, formatKeyPath, formatProblem } from "./errors.js";
import { expandIncludes, type IncludedFile, type Where } from "./include.js";
import {
	declaredVars,
	expandHome,
	type InterpolationProblem,
	interpolateTree,
	resolveVars,
	type VarValue,
} from "./interpolate.js";
import { InputFileError, readInputFile } from "./read-file.js";
import { checkRules } from "./rules.js";
import { type Checklist, checklistSchema } from "./schema.js";
import { mapSteps } from "./steps.js";
import { allowedKeys, closest } from "./suggest.js";
import { parseYamlMapping } from "./yaml-source.js";

/** A checklist ready to run. */
export interface LoadedChecklist {
	readonly checklist: Checklist;
	/** Absolute path of the file. */
	readonly file: string;
	/** SHA-256 of the file's bytes (and of the files it includes), recorded by every session started from it. */
	readonly sha256: string;
	/** Variables after defaults, `--var` overrides, interpolation and `~` expansion; a secret shows as ***. */
	readonly vars: Readonly<Record<string, VarValue>>;
	/** Secret values by variable name: substituted only when a step runs, masked everywhere else. */
	readonly secrets: ReadonlyMap<string, string>;
	/** The files whose phases it includes, with their digests. */
	readonly included?: readonly IncludedFile[];
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
	/** Where `include:` paths start; the checklist file's folder by default. */
	readonly baseDir?: string;
}

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
	const hash = createHash("sha256").update(bytes);
	const result = parseChecklist(text, name, { baseDir: dirname(resolve(path)), ...options });
	if (!result.ok) return result;
	// A checklist that includes nothing keeps the plain digest of its file.
	const included = result.loaded.included ?? [];
	for (const file of included) hash.update(`\0${file.file}\0${file.sha256}`);
	const loaded = { ...result.loaded, file: path, sha256: hash.digest("hex") };
	// Kept only when its file alone decides it: no included file, no secret from the environment.
	keepChecklist(loaded, options, included.length > 0 || declaresSecrets(loaded.checklist));
	return { ok: true, loaded };
}

/** Whether the checklist declares a secret variable: its loading then depends on the environment. */
function declaresSecrets(checklist: Checklist): boolean {
	return [...declaredVars(checklist.vars).values()].some((spec) => spec.secret);
}

/** Parses checklist source text; `name` is used in messages. */
export function parseChecklist(text: string, name: string, options: LoadOptions = {}): LoadResult {
	const home = options.home ?? homedir();
	const parsedYaml = parseYamlMapping(text, name, "a checklist is a mapping with id, title and phases");
	if (!parsedYaml.ok) return parsedYaml;
	const expanded = expandIncludes(
		parsedYaml.data,
		parsedYaml.source,
		options.baseDir ?? dirname(resolve(name)),
	);
	const { where } = expanded;
	const record = expanded.data;
	const at = (
		path: readonly PropertyKey[],
		message: string,
		options?: { atKey?: boolean; needle?: string },
	) => {
		const place = where(path, options);
		return { file: place.file, line: place.line, column: place.column, key: place.key, message };
	};
	const interpolation: InterpolationProblem[] = [];
	const specs = declaredVars(record.vars);
	const overrides = new Map(Object.entries(options.vars ?? {}));
	const problems: ChecklistProblem[] = [...expanded.problems];
	problems.push(
		...[...overrides.keys()]
			.filter((key) => !specs.has(key))
			.map((key) => ({
				file: name,
				key: `--var ${key}`,
				message: `the checklist has no variable "${key}" (it has: ${[...specs.keys()].join(", ") || "none"})`,
			})),
	);
	const resolved = resolveVars(specs, overrides, home, options.env);
	interpolation.push(...resolved.problems);
	const { vars: _vars, ...rest } = record;
	const interpolated = {
		vars: _vars,
		...(interpolateTree(rest, resolved, [], interpolation) as object),
	};

	for (const problem of interpolation)
		problems.push(
			problem.path[0] === "--var"
				? { file: name, key: formatKeyPath(problem.path), message: problem.message }
				: at(problem.path, problem.message, { needle: problem.needle }),
		);
	const parsed = checklistSchema.safeParse(interpolated, { reportInput: true });
	if (!parsed.success)
		problems.push(...parsed.error.issues.flatMap((issue) => zodProblems(where, issue, interpolated)));
	for (const rule of checkRules(interpolated, specs)) {
		const first = rule.first && where(rule.first);
		const here = where(rule.path);
		const seen =
			first &&
			(first.file !== here.file
				? `at ${first.file}:${first.line}`
				: first.line === here.line && first.column === here.column
					? "in another include of this file"
					: `on line ${first.line}`);
		const message = seen ? `${rule.message} (first used ${seen})` : rule.message;
		problems.push(at(rule.path, message, { atKey: rule.atKey }));
	}
	if (problems.length > 0 || !parsed.success) return { ok: false, problems: sortProblems(problems, name) };

	const withHome = mapSteps(parsed.data, (step) => expandPaths(step, (value) => expandHome(value, home)));
	// The checklist is recorded with each session: a secret's default stays out of it.
	const checklist = withHome.vars
		? {
				...withHome,
				vars: Object.fromEntries(
					Object.entries(withHome.vars).map(([key, entry]) => [
						key,
						specs.get(key)?.secret ? { secret: true } : entry,
					]),
				),
			}
		: withHome;
	const vars: Record<string, VarValue> = Object.create(null);
	for (const [key, value] of resolved.vars) vars[key] = value;
	for (const key of resolved.secrets.keys()) vars[key] = "***";
	return {
		ok: true,
		loaded: {
			checklist,
			file: name,
			sha256: "",
			vars,
			secrets: resolved.secrets,
			included: expanded.included,
		},
	};
}

function zodProblems(where: Where, issue: z.core.$ZodIssue, data: unknown): ChecklistProblem[] {
	const problem = (path: readonly PropertyKey[], message: string, atKey = false): ChecklistProblem => {
		const place = where(path, { atKey });
		return { file: place.file, line: place.line, column: place.column, key: place.key, message };
	};
	if (issue.code === "unrecognized_keys") {
		const allowed = allowedKeys(checklistSchema, data, issue.path);
		return issue.keys.map((key) => {
			const path = [...issue.path, key];
			const meant = closest(key, allowed);
			const hint = meant ? `: did you mean "${meant}"?` : "";
			return problem(path, `unknown key "${key}"${hint}`, true);
		});
	}
	if (issue.code === "invalid_union") {
		// The one form the value's type fits says more than "none of the forms fit" — unless the
		// schema wrote its own message for a value that is wrong as a whole.
		const fits = (branch: z.core.$ZodIssue[]) =>
			branch.every(
				(inner) =>
					inner.path.length > 0 ||
					(inner.code !== "invalid_type" && (inner.input === null || typeof inner.input !== "object")),
			);
		const inside = issue.errors.filter((branch) => branch.length > 0 && fits(branch));
		const deep = inside[0]?.every((inner) => inner.path.length > 0) === true;
		if (inside.length === 1 && inside[0] && (deep || issue.message === "Invalid input"))
			return inside[0].flatMap((inner) =>
				zodProblems(where, { ...inner, path: [...issue.path, ...inner.path] } as z.core.$ZodIssue, data),
			);
	}
	const found = where(issue.path);
	if (found.missing || (issue.code === "invalid_type" && issue.input === undefined)) {
		const last = issue.path[issue.path.length - 1];
		return [problem(issue.path, `missing required key "${String(last)}"`)];
	}
	return [problem(issue.path, zodMessage(issue))];
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

/** By position, the checklist's own problems before those of the files it includes. */
function sortProblems(problems: ChecklistProblem[], name: string): ChecklistProblem[] {
	// A file included twice would report each of its problems twice.
	const lines = new Set<string>();
	const unique = problems.filter((problem) => {
		const line = formatProblem(problem);
		return !lines.has(line) && Boolean(lines.add(line));
	});
	return unique.sort(
		(a, b) =>
			Number(a.file !== name) - Number(b.file !== name) ||
			a.file.localeCompare(b.file) ||
			(a.line ?? 0) - (b.line ?? 0) ||
			(a.column ?? 0) - (b.column ?? 0),
	);
}

/** The line of the first byte that is not UTF-8, for the error message. */
function firstInvalidUtf8Line(bytes: Buffer): number {
	const lenient = bytes.toString("utf8");
	return lenient.slice(0, Math.max(0, lenient.indexOf("\uFFFD"))).split("\n").length;
}
