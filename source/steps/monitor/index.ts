import { formatDuration } from "../../checklist/duration.js";
import type { StepKindModule, StepOf } from "../kind.js";
import { type MonitorVerdict, runMonitor } from "./monitor.js";
import { describeSource } from "./sources.js";

/** What a monitor step leaves: its verdict, the source it read and its levels. */
export interface MonitorEvidence {
	readonly kind: "monitor";
	readonly monitor?: MonitorVerdict;
	readonly source: string;
	readonly levels?: { readonly warn?: number; readonly critical?: number };
	readonly interval?: string;
	readonly notes?: readonly string[];
	readonly lastError?: string;
}

/** The warn and critical bands of a monitor, as written: "warn > 0.5, critical > 1". */
export function bands(step: StepOf<"monitor">): string {
	return [
		step.warn && `warn ${step.warn.op} ${step.warn.value}`,
		step.critical && `critical ${step.critical.op} ${step.critical.value}`,
	]
		.filter(Boolean)
		.join(", ");
}

export const monitor: StepKindModule<"monitor", MonitorEvidence> = {
	kind: "monitor",
	mode: "run",
	afterNoGo: false,
	asksYes: false,
	// A monitor's `critical` is its level: the step blocks when a breach stops or rolls back the rollout.
	critical: (step) => step.critical !== undefined && step.onCritical !== "continue",
	execute: runMonitor,
	longestMs: (step) =>
		Math.max(0, (step.samples ?? 1) - 1) * (step.interval ?? 0) +
		(step.samples ?? 1) * (step.timeout ?? 5000),
	preview(step) {
		const samples = step.samples ?? 1;
		const apart = step.interval && samples > 1 ? `, ${formatDuration(step.interval)} apart` : "";
		const levels = bands(step) ? ` · ${bands(step)}` : "";
		const onCritical = step.critical ? ` · on critical: ${step.onCritical ?? "stop"}` : "";
		return {
			lines: [
				{ text: `Watches ${describeSource(step.source)}` },
				{ text: `${samples} reading${samples === 1 ? "" : "s"}${apart}${levels}${onCritical}`, tone: "dim" },
			],
		};
	},
	evidence: (recorded) =>
		(recorded as { kind?: string } | undefined)?.kind === "monitor"
			? (recorded as MonitorEvidence)
			: undefined,
	details: (evidence) => (evidence.monitor?.summary ? [evidence.monitor.summary] : []),
};
