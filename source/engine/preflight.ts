import { resolve } from "node:path";
import { formatProblem } from "../checklist/errors.js";
import { loadChecklistFile } from "../checklist/load.js";
import type { Checklist } from "../checklist/schema.js";
import { phaseSteps } from "../checklist/steps.js";
import { OperatorError } from "../errors.js";
import { moduleOf } from "../steps/registry.js";

/** What a checklist will do, read before a session starts: the pre-flight screen's content. */
export interface Preflight {
	readonly file: string;
	readonly checklist: Checklist;
	readonly phases: readonly {
		readonly title: string;
		readonly steps: number;
		readonly kinds: Readonly<Record<string, number>>;
	}[];
	readonly touches: readonly {
		readonly action: string;
		readonly path: string;
		readonly detail?: string;
		readonly stepId: string;
	}[];
	readonly vars: Readonly<Record<string, string | number | boolean>>;
	/** The longest the automated steps can take (timeouts, monitor windows), and how many steps wait on a person. */
	readonly estimate: { readonly automatedMs: number; readonly untimed: number; readonly byPerson: number };
}

/** Loads the checklist as a start would, and says what it will touch and how long it may take. */
export function preflight(
	file: string,
	vars: Readonly<Record<string, string>>,
	baseDir = process.cwd(),
): Preflight {
	const result = loadChecklistFile(file, { vars });
	if (!result.ok) throw new OperatorError(result.problems.map(formatProblem).join("\n"));
	const { checklist } = result.loaded;
	const placed = phaseSteps(checklist);
	let automatedMs = 0;
	let untimed = 0;
	let byPerson = 0;
	for (const { step } of placed) {
		const module = moduleOf(step);
		if (module.mode !== "run") {
			byPerson++;
			continue;
		}
		const longest = module.longestMs?.(step as never);
		if (longest === undefined) untimed++;
		else automatedMs += longest;
	}
	return {
		file,
		checklist,
		phases: checklist.phases.map((phase) => ({
			title: phase.title,
			steps: phase.steps.length,
			kinds: phase.steps.reduce<Record<string, number>>((kinds, step) => {
				kinds[step.kind] = (kinds[step.kind] ?? 0) + 1;
				return kinds;
			}, {}),
		})),
		touches: placed.flatMap(({ step }) =>
			(moduleOf(step).touches?.(step as never) ?? []).map((touch) => ({
				...touch,
				path: resolve(baseDir, touch.path),
				stepId: step.id,
			})),
		),
		vars: result.loaded.vars,
		estimate: { automatedMs, untimed, byPerson },
	};
}
