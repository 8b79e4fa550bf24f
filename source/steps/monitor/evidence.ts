import type { EvidenceReader } from "../kind.js";
import type { MonitorVerdict } from "./monitor.js";

/** What a monitor step leaves: its verdict, the source it read and its levels. */
export interface MonitorEvidence {
	readonly kind: "monitor";
	readonly monitor?: MonitorVerdict;
	readonly source: string;
	readonly levels?: { readonly warn?: number; readonly critical?: number };
	readonly interval?: string;
	readonly notes?: readonly string[];
	readonly lastError?: string;
	/** The figure the levels were measured against, and where it came from. */
	readonly baseline?: { readonly step: string; readonly metric: string; readonly value: number };
	/** Each tier as it fired: time, tier, reading and action. */
	readonly alerts?: readonly string[];
	/** Each tier that fired, by its place in the monitor's tiers: when and at what reading. */
	readonly fired?: readonly { readonly tier: number; readonly at: string; readonly value: number }[];
	/** Each checkpoint of a window: its span, worst tier and readings. */
	readonly checkpoints?: readonly string[];
}

/** What a monitor step's record says: its verdict, the alerts that fired, its checkpoints. */
export const monitorEvidence: EvidenceReader<MonitorEvidence> = {
	evidence: (recorded) =>
		(recorded as { kind?: string } | undefined)?.kind === "monitor"
			? (recorded as MonitorEvidence)
			: undefined,
	details: (evidence) => [
		...(evidence.monitor?.summary ? [evidence.monitor.summary] : []),
		...(evidence.alerts ?? []).map((line) => `alert ${line}`),
		...(evidence.checkpoints ?? []).map((line) => `checkpoint ${line}`),
		...(evidence.monitor?.rollbackDueAt ? [`rollback scheduled: due ${evidence.monitor.rollbackDueAt}`] : []),
	],
};
