import { loadCachedFile } from "../checklist/cached.js";
import { formatProblem } from "../checklist/errors.js";
import type { LoadResult } from "../checklist/load.js";
import { phaseSteps } from "../checklist/steps.js";
import { colorsFor, EXIT } from "./output.js";

/** `rollout validate <file…>`: one `ok` line per valid file, every problem of the others on stderr. */
export async function validate(files: readonly string[], vars: Record<string, string>): Promise<number> {
	const out = colorsFor(process.stdout);
	const err = colorsFor(process.stderr);
	let invalid = 0;
	for (const file of files) {
		const result = await load(file, vars);
		if (result.ok) {
			const { checklist } = result.loaded;
			const steps = phaseSteps(checklist).length;
			process.stdout.write(`${out.green("ok")} ${file}: ${checklist.phases.length} phases, ${steps} steps\n`);
		} else {
			invalid++;
			for (const problem of result.problems) process.stderr.write(`${err.red(formatProblem(problem))}\n`);
		}
	}
	return invalid > 0 ? EXIT.failed : EXIT.ok;
}

/** A checklist validated before as it is comes from the cache; only another needs the parser and the schema, loaded then. */
async function load(file: string, vars: Record<string, string>): Promise<LoadResult> {
	const cached = loadCachedFile(file, { vars });
	if (cached) return { ok: true, loaded: cached };
	const { loadChecklistFile } = await import("../checklist/load.js");
	return loadChecklistFile(file, { vars });
}
