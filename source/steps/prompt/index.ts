import type { StepKindModule } from "../kind.js";

export const prompt: StepKindModule<"prompt"> = {
	kind: "prompt",
	mode: "prompt",
	afterNoGo: false,
	asksYes: false,
	critical: (step) => step.critical === true,
	preview: (step) => ({ lines: step.question ? [{ text: step.question }] : [] }),
	evidence: () => undefined,
	details: () => [],
};
