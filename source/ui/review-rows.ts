import type { PlacedStep } from "../checklist/steps.js";
import { sectionId } from "./views/chrome.js";

/** The list rows: each phase's title, then its steps; `index` counts steps only. */
export function reviewRows(steps: readonly PlacedStep[]) {
	const rows: (
		| { kind: "phase"; id: string; title: string }
		| { kind: "step"; placed: PlacedStep; index: number }
	)[] = [];
	let phase: string | undefined;
	steps.forEach((placed, index) => {
		const id = sectionId(placed.section);
		if (id !== phase) {
			phase = id;
			rows.push({ kind: "phase", id, title: "title" in placed.section ? placed.section.title : id });
		}
		rows.push({ kind: "step", placed, index });
	});
	return rows;
}

/** The next step after `from` whose id or title holds the text (case ignored), wrapping round. */
export function findStep(steps: readonly PlacedStep[], text: string, from: number): number | undefined {
	const wanted = text.trim().toLowerCase();
	for (let offset = 1; offset <= steps.length; offset++) {
		const at = (from + offset) % steps.length;
		const { step } = steps[at] as PlacedStep;
		if (step.id.toLowerCase().includes(wanted) || step.title.toLowerCase().includes(wanted)) return at;
	}
	return undefined;
}
