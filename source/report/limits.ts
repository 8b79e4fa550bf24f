import type { Step } from "../checklist/schema.js";
import { compare, formatNumber } from "../runner/thresholds.js";
import type { Metrics } from "../session/events.js";

/** What the checklist asked of one figure, beside what the step measured. */
export interface Limit {
	readonly metric: string;
	/** As written: ">= 95", "warn > 0.5", "critical > 1". */
	readonly rule: string;
	/** Whether the measured figure meets it; absent when nothing was measured or the rule is judged per reading. */
	readonly met?: boolean;
}

/**
 * The limits a step's figures are held to: a command's (or a flag's check's) thresholds, a
 * monitor's warn and critical levels, which apply to every reading.
 */
export function limitsOf(step: Step | undefined, metrics: Metrics | undefined): Limit[] {
	if (!step) return [];
	if (step.kind === "monitor") {
		return [
			...(step.warn
				? [{ metric: "value", rule: `warn ${step.warn.op} ${formatNumber(step.warn.value)}` }]
				: []),
			...(step.critical
				? [{ metric: "value", rule: `critical ${step.critical.op} ${formatNumber(step.critical.value)}` }]
				: []),
		];
	}
	const thresholds =
		step.kind === "command"
			? step.expect?.thresholds
			: step.kind === "flag"
				? step.verify?.expect?.thresholds
				: undefined;
	return (thresholds ?? []).map((threshold) => {
		const actual = metrics?.[threshold.metric];
		return {
			metric: threshold.metric,
			rule: `${threshold.op} ${formatNumber(threshold.value)}`,
			...(actual === undefined ? {} : { met: compare(actual, threshold.op, threshold.value) }),
		};
	});
}
