import { formatDuration } from "../../checklist/duration.js";
import type { StepKindModule } from "../kind.js";
import { commandLine, runCommand } from "./command.js";

/** What a command step leaves: the exact command line, how it ended, where its output is. */
export interface CommandEvidence {
	readonly kind: "command";
	readonly command: string;
	readonly cwd: string;
	readonly exitCode?: number;
	readonly signal?: string;
	readonly durationMs?: number;
	readonly log?: string;
	readonly tail?: readonly string[];
	readonly attempt?: number;
}

export const command: StepKindModule<"command", CommandEvidence> = {
	kind: "command",
	mode: "run",
	afterNoGo: false,
	asksYes: false,
	critical: (step) => step.critical === true,
	execute: (step, ctx) => runCommand(step, ctx),
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
	evidence: (recorded) =>
		(recorded as { kind?: string } | undefined)?.kind === "command"
			? (recorded as CommandEvidence)
			: undefined,
	details(evidence) {
		const exit = evidence.exitCode === undefined ? "" : ` exited ${evidence.exitCode}`;
		return [`\`${evidence.command}\`${exit}`, ...(evidence.log ? [`log \`${evidence.log}\``] : [])];
	},
};
