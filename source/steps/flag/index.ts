import type { StepKindModule } from "../kind.js";
import { flagKeyLabel } from "./edit.js";
import { flagEvidence } from "./evidence.js";
import type { FlagEvidence } from "./flag.js";
import { flagDiff, planFlag, runFlag } from "./flag.js";

export const flag: StepKindModule<"flag", FlagEvidence & { readonly kind: "flag" }> = {
	kind: "flag",
	mode: "run",
	afterNoGo: false,
	// A config change is written only when the operator says yes to its diff.
	asksYes: true,
	critical: (step) => step.critical === true,
	execute: runFlag,
	expandPaths: (step, expand) => ({
		...step,
		file: expand(step.file),
		verify: step.verify && { ...step.verify, cwd: step.verify.cwd && expand(step.verify.cwd) },
	}),
	touches: (step) => [
		{ action: "change", path: step.file, detail: `${step.key} → ${JSON.stringify(step.value)}` },
	],
	longestMs: (step) => (step.verify ? (step.verify.timeout ?? 0) : 0),
	preview(step, baseDir) {
		const { file, edit, before } = planFlag(step, baseDir);
		const head = { text: `${flagKeyLabel(step.key)} → ${JSON.stringify(step.value)} in ${file}` };
		if (!edit.ok) return { lines: [head, { text: `cannot change it: ${edit.reason}`, tone: "bad" }] };
		if (edit.noop) return { lines: [head, { text: "Already set: nothing to write.", tone: "dim" }] };
		return { lines: [head], diff: flagDiff(file, before, edit.text) };
	},
	...flagEvidence,
};
