import type { Step } from "../../checklist/schema.js";
import type { Preview } from "../../steps/kind.js";
import { moduleOf } from "../../steps/registry.js";
import type { ReadLine } from "./scrolled.js";
import { diffLines } from "./step-details.js";

/** Everything to read before acting, in order: notes, instructions, help, the plan and its diff. */
export function reading(
	step: Step,
	preview: Preview,
	notices: readonly string[],
	details: boolean,
	reasons: string[],
	rows: number,
) {
	const split = (text: string | undefined, tone?: ReadLine["tone"]) =>
		(text?.trim().split("\n") ?? []).map((line) => ({ text: line, tone }));
	const run = moduleOf(step).mode === "run";
	const lines = [
		...notices.map((notice): ReadLine => ({ text: `note: ${notice}`, tone: "warn" })),
		...(step.kind === "prompt" ? split(step.instructions) : []),
		...(details ? split(step.help, "accent") : []),
		...reasons.map((text): ReadLine => ({ text })),
		...(run ? preview.lines.map(({ text, tone }) => ({ text, tone })) : []),
	];
	// The changed lines first: context around them only as far as the screen has room.
	return run && preview.diff
		? [...lines, ...diffLines(preview.diff, Math.max(3, rows - lines.length))]
		: lines;
}
