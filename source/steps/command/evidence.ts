import type { EvidenceReader } from "../kind.js";

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

/** What a command step's record says: its command line and how it ended, where its output is. */
export const commandEvidence: EvidenceReader<CommandEvidence> = {
	evidence: (recorded) =>
		(recorded as { kind?: string } | undefined)?.kind === "command"
			? (recorded as CommandEvidence)
			: undefined,
	details(evidence) {
		const exit = evidence.exitCode === undefined ? "" : ` exited ${evidence.exitCode}`;
		return [`\`${evidence.command}\`${exit}`, ...(evidence.log ? [`log \`${evidence.log}\``] : [])];
	},
};
