import type { Operator, Step } from "../checklist/schema.js";
import { compare, formatNumber } from "../runner/thresholds.js";
import type { Metrics } from "../session/events.js";

/** A threshold as written; its value is a number today, and is read as written if it ever is not. */
type Threshold = { readonly metric: string; readonly op: Operator; readonly value: unknown };

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
	// Any kind that judges figures against thresholds writes them as `expect.thresholds` (a flag under `verify`).
	const written = step as {
		expect?: { thresholds?: readonly Threshold[] };
		verify?: { expect?: { thresholds?: readonly Threshold[] } };
	};
	const thresholds = written.expect?.thresholds ?? written.verify?.expect?.thresholds;
	return (thresholds ?? []).map((threshold) => {
		const actual = metrics?.[threshold.metric];
		return {
			metric: threshold.metric,
			rule: `${threshold.op} ${asWritten(threshold.value)}`,
			...(actual === undefined || typeof threshold.value !== "number"
				? {}
				: { met: compare(actual, threshold.op, threshold.value) }),
		};
	});
}

function asWritten(value: unknown): string {
	if (typeof value === "number") return formatNumber(value);
	return typeof value === "string" ? value : JSON.stringify(value);
}
