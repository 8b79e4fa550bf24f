import { formatDuration } from "../../checklist/duration.js";
import type { StepKindModule, StepOf } from "../kind.js";
import { describeTier, stops, tiersOf } from "./alerts.js";
import { type MonitorEvidence, monitorEvidence } from "./evidence.js";
import { runMonitor } from "./monitor.js";
import { describeSource } from "./sources.js";
import { plannedReadings } from "./windows.js";

export type { MonitorEvidence };

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
	...monitorEvidence,
};
