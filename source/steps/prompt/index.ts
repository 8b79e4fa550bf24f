import type { StepKindModule } from "../kind.js";
import { describeValue, type FieldValue, fieldPrompt } from "./fields.js";

/** What a prompt leaves: the question, the operator's answer and the typed values. */
export interface PromptEvidence {
	readonly kind: "prompt";
	readonly question?: string;
	readonly answer: "pass" | "fail" | "skip";
	readonly values: readonly FieldValue[];
}

export const prompt: StepKindModule<"prompt", PromptEvidence> = {
	kind: "prompt",
	mode: "prompt",
	afterNoGo: false,
	asksYes: false,
	critical: (step) => step.critical === true,
	preview: (step) => ({
		lines: [
			...(step.question ? [{ text: step.question }] : []),
			...(step.fields ?? []).map((field) => ({
				text: `records ${fieldPrompt(field)}`,
				tone: "dim" as const,
			})),
		],
	}),
	evidence: (recorded) =>
		(recorded as { kind?: string } | undefined)?.kind === "prompt" &&
		Array.isArray((recorded as { values?: unknown }).values)
			? (recorded as PromptEvidence)
			: undefined,
	details: (evidence) => evidence.values.map(describeValue),
};
