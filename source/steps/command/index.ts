import { formatDuration } from "../../checklist/duration.js";
import type { StepKindModule } from "../kind.js";
import { runCommand } from "./command.js";
import { commandLine } from "./command-line.js";
import { type CommandEvidence, commandEvidence } from "./evidence.js";

export type { CommandEvidence };

export const command: StepKindModule<"command", CommandEvidence> = {
	kind: "command",
	mode: "run",
	afterNoGo: false,
	asksYes: false,
	critical: (step) => step.critical === true,
	execute: (step, ctx) => runCommand(step, ctx),
	expandPaths: (step, expand) => ({
		...step,
		cwd: step.cwd && expand(step.cwd),
		expect: step.expect?.junit
			? { ...step.expect, junit: { file: expand(step.expect.junit.file) } }
			: step.expect,
	}),
	longestMs: (step) => (step.timeout === undefined ? undefined : step.timeout * ((step.retries ?? 0) + 1)),
	preview(step) {
		const thresholds = step.expect?.thresholds ?? [];
		return {
			lines: [
				{ text: `$ ${commandLine(step.run)}` },
				...(step.timeout
					? [{ text: `times out after ${formatDuration(step.timeout)}`, tone: "dim" as const }]
					: []),
				...(thresholds.length > 0
					? [
							{
								text: `expects ${thresholds.map((item) => `${item.metric} ${item.op} ${item.value}`).join(", ")}`,
								tone: "dim" as const,
							},
						]
					: []),
			],
		};
	},
	...commandEvidence,
};
