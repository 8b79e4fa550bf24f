import { formatProblem } from "../checklist/errors.js";
import { loadChecklistFile } from "../checklist/load.js";
import { phaseSteps } from "../checklist/steps.js";
import { colorsFor, EXIT } from "./output.js";

/** `rollout validate <file…>`: one `ok` line per valid file, every problem of the others on stderr. */
export function validate(files: readonly string[], vars: Record<string, string>): number {
	const out = colorsFor(process.stdout);
	const err = colorsFor(process.stderr);
	let invalid = 0;
	for (const file of files) {
		const result = loadChecklistFile(file, { vars });
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
