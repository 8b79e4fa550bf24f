import type { StepKindModule } from "../kind.js";

export const decision: StepKindModule<"decision"> = {
	kind: "decision",
	mode: "decision",
	afterNoGo: false,
	asksYes: false,
	// The decision is the verdict, not a check: its NO-GO stops the rollout by itself.
	critical: () => false,
	preview: () => ({ lines: [] }),
	evidence: () => undefined,
	details: () => [],
};
