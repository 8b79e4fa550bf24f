import { formatSpan } from "../checklist/duration.js";
import type { AlertAction, AlertLevel } from "../checklist/monitor-schema.js";
import type { Operator, Step } from "../checklist/schema.js";
import { compare, formatNumber } from "../runner/thresholds.js";
import type { Metrics } from "../session/events.js";
import type { Reading } from "../session/reduce.js";
import { describeTier, type Tier, tiersOf, Watch } from "../steps/monitor/alerts.js";

/** A threshold as written; its value is a number today, and is read as written if it ever is not. */
type Threshold = { readonly metric: string; readonly op: Operator; readonly value: unknown };

/** What the checklist asked of one figure, beside what the step measured. */
export interface Limit {
	readonly metric: string;
	/** For people: ">= 95", "warn > 0.5 → notify", "critical > baseline + 10% (= 550) for 10m → rollback". */
	readonly rule: string;
	/** The comparison as the checklist wrote it: ">= 95", "> 0.5", "> baseline + 10%". */
	readonly condition: string;
	/** A monitor's alert tier: warning, critical or page. */
	readonly level?: AlertLevel;
	/** What the tier does when its condition holds. */
	readonly action?: AlertAction;
	/**
	 * A threshold: whether the figure meets it. A monitor's tier: whether its condition held (for
	 * as long as it asks) at some reading. Absent when nothing was measured.
	 */
	readonly met?: boolean;
	/** A tier that held: the reading at which it did. */
	readonly metAt?: string;
}

/** What a monitor's record gives for its tiers: the tiers that fired, its readings, the baseline it compared with. */
export interface Watched {
	readonly readings?: readonly Reading[];
	readonly baseline?: number;
	/** As the monitor recorded them; a record without them has its readings judged again. */
	readonly fired?: readonly { readonly tier: number; readonly at: string }[];
}

/**
 * The limits a step's figures are held to: a command's (or a flag's check's) thresholds, or
 * each of a monitor's alert tiers (its `alerts:`, or its `warn` and `critical` levels), with the
 * tier's level and action and, from the readings, whether it held.
 */
export function limitsOf(
	step: Step | undefined,
	metrics: Metrics | undefined,
	watched: Watched = {},
): Limit[] {
	if (!step) return [];
	if (step.kind === "monitor") return tierLimits(tiersOf(step), watched);
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
			condition: `${threshold.op} ${String(threshold.value)}`,
			...(actual === undefined || typeof threshold.value !== "number"
				? {}
				: { met: compare(actual, threshold.op, threshold.value) }),
		};
	});
}

/**
 * Each tier with whether it held: as the monitor recorded it, or for a record from before it
 * did, its readings replayed through the same watch the monitor runs.
 */
function tierLimits(tiers: readonly Tier[], { readings = [], baseline, fired }: Watched): Limit[] {
	const metAt = new Map<number, string>();
	if (fired) {
		for (const hit of fired) if (!metAt.has(hit.tier)) metAt.set(hit.tier, hit.at);
	} else if (readings.length > 0) {
		const watch = new Watch(tiers, baseline);
		for (const reading of readings)
			for (const hit of watch.observe(reading.value, () => reading.at).fired) metAt.set(hit.index, hit.at);
	}
	return tiers.map((tier, index) => {
		const judged = readings.length > 0 && (!tier.when.baseline || baseline !== undefined);
		const at = metAt.get(index);
		const within = tier.within === undefined ? "" : ` within ${formatSpan(tier.within)}`;
		return {
			metric: "value",
			rule: `${describeTier(tier, baseline)} → ${tier.action}${within}`,
			condition: tier.when.text,
			level: tier.level,
			action: tier.action,
			...(judged ? { met: at !== undefined } : {}),
			...(at ? { metAt: at } : {}),
		};
	});
}

function asWritten(value: unknown): string {
	if (typeof value === "number") return formatNumber(value);
	return typeof value === "string" ? value : JSON.stringify(value);
}
