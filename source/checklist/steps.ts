import type { Checklist, Step } from "./schema.js";

/** Where a step sits in the checklist. */
export type StepSection =
	| { readonly type: "phase"; readonly id: string; readonly title: string }
	| { readonly type: "rollback" | "rollback-verify" }
	| { readonly type: "followup"; readonly id: string; readonly title: string };

/** A step with its place in the file. */
export interface PlacedStep {
	readonly step: Step;
	readonly section: StepSection;
	/** The data path of the step, such as ["phases", 0, "steps", 2]. */
	readonly path: readonly (string | number)[];
}

type StepLists = {
	phases?: unknown;
	rollback?: unknown;
	followups?: unknown;
};

/** Every step list of a checklist (typed or still raw) with its section and data path. */
export function stepLists(
	checklist: StepLists,
): { section: StepSection; path: (string | number)[]; steps: unknown[] }[] {
	const lists: {
		section: StepSection;
		path: (string | number)[];
		steps: unknown[];
	}[] = [];
	const each = (value: unknown): Record<string, unknown>[] =>
		Array.isArray(value) ? value.filter((item) => item !== null && typeof item === "object") : [];
	for (const [index, phase] of each(checklist.phases).entries()) {
		lists.push({
			section: {
				type: "phase",
				id: String(phase.id),
				title: String(phase.title),
			},
			path: ["phases", index, "steps"],
			steps: Array.isArray(phase.steps) ? phase.steps : [],
		});
	}
	const rollback = (checklist.rollback ?? {}) as Record<string, unknown>;
	if (Array.isArray(rollback.steps))
		lists.push({
			section: { type: "rollback" },
			path: ["rollback", "steps"],
			steps: rollback.steps,
		});
	if (Array.isArray(rollback.verify))
		lists.push({
			section: { type: "rollback-verify" },
			path: ["rollback", "verify"],
			steps: rollback.verify,
		});
	for (const [index, followup] of each(checklist.followups).entries()) {
		lists.push({
			section: {
				type: "followup",
				id: String(followup.id),
				title: String(followup.title),
			},
			path: ["followups", index, "steps"],
			steps: Array.isArray(followup.steps) ? followup.steps : [],
		});
	}
	return lists;
}

/** The steps of a validated checklist, in file order, with where each sits. */
export function placedSteps(checklist: Checklist): PlacedStep[] {
	return stepLists(checklist).flatMap(({ section, path, steps }) =>
		(steps as Step[]).map((step, index) => ({
			step,
			section,
			path: [...path, index],
		})),
	);
}

/** The steps an operator walks through in order: the phases', not rollback or follow-ups. */
export function phaseSteps(checklist: Checklist): PlacedStep[] {
	return placedSteps(checklist).filter((placed) => placed.section.type === "phase");
}

/** The checklist with every step (phases, rollback, follow-ups) passed through `mapStep`. */
export function mapSteps(checklist: Checklist, mapStep: (step: Step) => Step): Checklist {
	return {
		...checklist,
		phases: checklist.phases.map((phase) => ({
			...phase,
			steps: phase.steps.map(mapStep),
		})),
		rollback: checklist.rollback && {
			...checklist.rollback,
			steps: checklist.rollback.steps?.map(mapStep),
			verify: checklist.rollback.verify?.map(mapStep),
		},
		followups: checklist.followups?.map((followup) => ({
			...followup,
			steps: followup.steps.map(mapStep),
		})),
	};
}
