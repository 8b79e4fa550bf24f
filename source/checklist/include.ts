/**
 * Phases shared between checklists: a phase entry `{ include: file }` is replaced by the phases
 * of that file (or the ones it names), before interpolation and validation, so included steps
 * are checked as if written in place — and every problem in them is reported at the included
 * file's line and column.
 */
import { createHash } from "node:crypto";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { type ChecklistProblem, formatKeyPath } from "./errors.js";
import { locate, position } from "./locate.js";
import { InputFileError, readInputFile } from "./read-file.js";
import { parseYamlMapping, type YamlSource } from "./yaml-source.js";

/** An included file as it was read: its digest goes into the checklist's. */
export interface IncludedFile {
	readonly file: string;
	readonly sha256: string;
}

/** A position in one of the files, for a data path of the whole (included phases spliced in). */
export interface Place {
	readonly file: string;
	readonly line: number;
	readonly column: number;
	/** The key path inside that file. */
	readonly key: string;
	readonly missing: boolean;
	readonly node?: unknown;
}

export type Where = (path: readonly PropertyKey[], options?: { atKey?: boolean; needle?: string }) => Place;

export interface Expanded {
	readonly data: Record<string, unknown>;
	readonly problems: readonly ChecklistProblem[];
	readonly where: Where;
	readonly included: readonly IncludedFile[];
}

const MAX_BYTES = 5 * 1024 * 1024;
const INCLUDE_KEYS = ["include", "phases"];

/** Splices included phases into `data.phases`; `baseDir` is where relative include paths start. */
export function expandIncludes(data: Record<string, unknown>, main: YamlSource, baseDir: string): Expanded {
	const problems: ChecklistProblem[] = [];
	const included: IncludedFile[] = [];
	/** For each phase of the result: the file it came from and its index there. */
	const origins: { source: YamlSource; index: number }[] = [];
	const at = (source: YamlSource, path: PropertyKey[], message: string, atKey = false): ChecklistProblem => ({
		file: source.name,
		...position(source.lineCounter, locate(source.doc, path, atKey).offset),
		key: formatKeyPath(path),
		message,
	});
	if (!Array.isArray(data.phases)) return { data, problems, where: placer(main, origins), included };
	const phases: unknown[] = [];
	for (const [index, entry] of data.phases.entries()) {
		if (!isInclude(entry)) {
			origins.push({ source: main, index });
			phases.push(entry);
			continue;
		}
		const path = ["phases", index];
		const unknown = Object.keys(entry).filter((key) => !INCLUDE_KEYS.includes(key));
		for (const key of unknown)
			problems.push(
				at(main, [...path, key], `unknown key "${key}" beside include: (only phases: may go there)`, true),
			);
		const file = entry.include;
		if (typeof file !== "string" || file.trim() === "") {
			problems.push(
				at(main, [...path, "include"], "include: names a checklist file, such as shared/preflight.yaml"),
			);
			continue;
		}
		const name = isAbsolute(file) ? file : join(dirname(main.name), file);
		const loaded = readIncluded(resolve(baseDir, file), name);
		if ("problem" in loaded) {
			problems.push(at(main, [...path, "include"], `cannot include ${file}: ${loaded.problem}`));
			continue;
		}
		if (!loaded.ok) {
			problems.push(...loaded.problems);
			continue;
		}
		included.push({ file: name, sha256: loaded.sha256 });
		const picked = pickPhases(loaded.source, loaded.data, entry.phases, (where, message) =>
			problems.push(at(main, [...path, "phases", ...where], message)),
		);
		problems.push(...picked.problems);
		for (const { phase, index: local } of picked.phases) {
			origins.push({ source: loaded.source, index: local });
			phases.push(phase);
		}
	}
	return { data: { ...data, phases }, problems, where: placer(main, origins), included };
}

function isInclude(entry: unknown): entry is Record<string, unknown> {
	return entry !== null && typeof entry === "object" && !Array.isArray(entry) && "include" in entry;
}

type Read =
	| { readonly problem: string }
	| { readonly ok: false; readonly problems: readonly ChecklistProblem[] }
	| {
			readonly ok: true;
			readonly source: YamlSource;
			readonly data: Record<string, unknown>;
			readonly sha256: string;
	  };

function readIncluded(path: string, name: string): Read {
	let bytes: Buffer;
	try {
		bytes = readInputFile(path, MAX_BYTES, "a checklist file");
	} catch (error) {
		if (error instanceof InputFileError) return { problem: error.message };
		throw error;
	}
	let text: string;
	try {
		text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
	} catch {
		return { problem: "is not UTF-8 text" };
	}
	const parsed = parseYamlMapping(text, name, "an included file is a mapping with phases:");
	if (!parsed.ok) return parsed;
	return { ...parsed, sha256: createHash("sha256").update(bytes).digest("hex") };
}

/** The included file's phases, all or the ones named; problems in the file are reported at its own lines. */
function pickPhases(
	source: YamlSource,
	data: Record<string, unknown>,
	wanted: unknown,
	atInclude: (path: PropertyKey[], message: string) => void,
): { phases: { phase: unknown; index: number }[]; problems: ChecklistProblem[] } {
	const problems: ChecklistProblem[] = [];
	const here = (path: PropertyKey[], message: string, atKey = false) =>
		problems.push({
			file: source.name,
			...position(source.lineCounter, locate(source.doc, path, atKey).offset),
			key: formatKeyPath(path),
			message,
		});
	for (const key of Object.keys(data).filter((key) => key !== "phases"))
		here([key], `unknown key "${key}": an included file holds only phases:`, true);
	if (!Array.isArray(data.phases) || data.phases.length === 0) {
		here(["phases"], "an included file needs phases: with at least one phase");
		return { phases: [], problems };
	}
	const all = data.phases.map((phase, index) => ({ phase, index }));
	for (const { phase, index } of all)
		if (isInclude(phase)) here(["phases", index, "include"], "an included file cannot include another");
	const ids = all.map(({ phase }) => (phase as { id?: unknown } | null)?.id);
	if (wanted === undefined) return { phases: all.filter(({ phase }) => !isInclude(phase)), problems };
	if (!Array.isArray(wanted) || wanted.length === 0 || wanted.some((id) => typeof id !== "string")) {
		atInclude([], "phases: beside include: is a list of phase ids");
		return { phases: [], problems };
	}
	const picked: { phase: unknown; index: number }[] = [];
	for (const [position, id] of wanted.entries()) {
		const index = ids.indexOf(id);
		const found = all[index];
		if (found) picked.push(found);
		else atInclude([position], `no phase "${id}" in ${source.name} (it has: ${ids.map(String).join(", ")})`);
	}
	return { phases: picked, problems };
}

/** Turns a data path of the spliced checklist into a file, line, column and key path in that file. */
function placer(main: YamlSource, origins: readonly { source: YamlSource; index: number }[]): Where {
	return (path, options = {}) => {
		const origin = path[0] === "phases" && typeof path[1] === "number" ? origins[path[1]] : undefined;
		const source = origin?.source ?? main;
		const local = origin ? ["phases", origin.index, ...path.slice(2)] : [...path];
		const found = locate(source.doc, local, options.atKey === true);
		let offset = found.offset;
		const range = (found.node as { range?: [number, number] } | undefined)?.range;
		if (range && options.needle) {
			const inside = source.text.slice(range[0], range[1]).indexOf(options.needle);
			if (inside >= 0) offset = range[0] + inside;
		}
		return {
			file: source.name,
			...position(source.lineCounter, offset),
			key: formatKeyPath(local),
			missing: found.missing,
			node: found.node,
		};
	};
}
