import type { StepKindModule } from "../kind.js";

export const signoff: StepKindModule<"signoff"> = {
	kind: "signoff",
	mode: "signoff",
	// A NO-GO is signed off too: the approvers put their names to the rejection.
	afterNoGo: true,
	asksYes: false,
	critical: () => false,
	preview: (step) => ({ lines: [{ text: `Approvals from: ${step.roles.join(", ")}` }] }),
	evidence: () => undefined,
	details: () => [],
};
