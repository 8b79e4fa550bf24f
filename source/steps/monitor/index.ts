import { formatDuration } from "../../checklist/duration.js";
import type { StepKindModule, StepOf } from "../kind.js";
import { describeTier, stops, tiersOf } from "./alerts.js";
import { type MonitorVerdict, runMonitor } from "./monitor.js";
import { describeSource } from "./sources.js";
import { plannedReadings } from "./windows.js";

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
	/** Each checkpoint of a window: its span, worst tier and readings. */
	readonly checkpoints?: readonly string[];
}

/** The alert tiers of a monitor, as written: "warning > 0.5, critical > 1 for 10m". */
export function bands(step: StepOf<"monitor">): string {
	return tiersOf(step)
		.map((tier) => describeTier(tier))
		.join(", ");
}

export const monitor: StepKindModule<"monitor", MonitorEvidence> = {
	kind: "monitor",
	mode: "run",
	afterNoGo: false,
	asksYes: false,
	continuesAfterInterruption: true,
	// A monitor's `critical` is its level: the step blocks when a tier that fires stops, rolls back or schedules the rollback.
	critical: (step) => tiersOf(step).some(stops),
	execute: runMonitor,
	expandPaths: (step, expand) => {
		const { jsonl, log } = step.source;
		if (jsonl) return { ...step, source: { ...step.source, jsonl: { ...jsonl, file: expand(jsonl.file) } } };
		if (log) return { ...step, source: { ...step.source, log: { ...log, file: expand(log.file) } } };
		return step;
	},
	longestMs: (step) =>
		Math.max(0, plannedReadings(step) - 1) * (step.interval ?? 0) +
		plannedReadings(step) * (step.timeout ?? 5000),
	preview(step) {
		const samples = plannedReadings(step);
		const apart = step.interval && samples > 1 ? `, ${formatDuration(step.interval)} apart` : "";
		const levels = bands(step) ? ` · ${bands(step)}` : "";
		const actions = step.alerts
			? step.alerts.map((alert, index) => `${alert.level}: ${tiersOf(step)[index]?.action}`).join(", ")
			: step.critical
				? `on critical: ${step.onCritical ?? "stop"}`
				: "";
		const onCritical = actions ? ` · ${actions}` : "";
		const baseline = step.baseline
			? ` · baseline: ${step.baseline.metric ?? "value"} of ${step.baseline.step}`
			: "";
		return {
			lines: [
				{ text: `Watches ${describeSource(step.source)}` },
				{
					text: `${samples} reading${samples === 1 ? "" : "s"}${apart}${levels}${onCritical}${baseline}`,
					tone: "dim",
				},
			],
		};
	},
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
