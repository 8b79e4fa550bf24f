/** One problem in a checklist file, positioned for an editor's "file:line:column" jump. */
export interface ChecklistProblem {
	readonly file: string;
	/** 1-based; absent when the problem is about the file as a whole. */
	readonly line?: number;
	readonly column?: number;
	/** The offending key, such as `phases[0].steps[2].timeout`; empty for the whole file. */
	readonly key?: string;
	readonly message: string;
}

/** `file:line:column: key: message`, the form editors and terminals turn into links. */
export function formatProblem(problem: ChecklistProblem): string {
	const where =
		problem.line === undefined ? problem.file : `${problem.file}:${problem.line}:${problem.column ?? 1}`;
	return problem.key ? `${where}: ${problem.key}: ${problem.message}` : `${where}: ${problem.message}`;
}

/** Renders a zod-style path as `phases[0].steps[2].timeout`. */
export function formatKeyPath(path: readonly PropertyKey[]): string {
	let out = "";
	for (const segment of path) {
		if (typeof segment === "number") out += `[${segment}]`;
		else out += out === "" ? String(segment) : `.${String(segment)}`;
	}
	return out;
}
