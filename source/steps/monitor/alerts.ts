import type { AlertAction, AlertLevel, Level, Sustained } from "../../checklist/monitor-schema.js";
import type { Step } from "../../checklist/schema.js";
import { compare, formatNumber } from "../../runner/thresholds.js";

type MonitorStep = Extract<Step, { kind: "monitor" }>;

/** One alert tier with its defaults filled in. */
export interface Tier {
	readonly level: AlertLevel;
	readonly when: Level;
	readonly for?: Sustained;
	readonly action: AlertAction;
	/** With schedule-rollback: how long after the breach the rollback is due. */
	readonly within?: number;
}

/** The monitor's tiers: its `alerts:`, or its `warn` and `critical` levels (with `sustained` and `onCritical`) as two tiers. */
export function tiersOf(step: MonitorStep): Tier[] {
	if (step.alerts)
		return step.alerts.map((alert) => ({
			...alert,
			action: alert.action ?? (alert.level === "warning" ? "notify" : "stop"),
		}));
	const tiers: Tier[] = [];
	if (step.warn) tiers.push({ level: "warning", when: step.warn, for: step.sustained, action: "notify" });
	if (step.critical) {
		const onCritical = step.onCritical ?? "stop";
		tiers.push({
			level: "critical",
			when: step.critical,
			for: step.sustained,
			action: onCritical === "continue" ? "notify" : onCritical,
		});
	}
	return tiers;
}

/** Whether a tier's action stops the rollout when it fires. */
export const stops = (tier: Tier) => tier.action !== "notify";

/** The number a level compares with: itself, or the baseline plus an amount or a percentage. */
export function threshold(level: Level, baseline?: number): number {
	if (!level.baseline) return level.value;
	if (baseline === undefined) return Number.NaN;
	return level.baseline === "percent" ? baseline * (1 + level.value / 100) : baseline + level.value;
}

/** A tier's level for people: "> 1 for 10m", "> baseline + 10% (= 550)". */
export function describeLevel(tier: Tier, baseline?: number): string {
	const resolved =
		tier.when.baseline && baseline !== undefined
			? ` (= ${formatNumber(threshold(tier.when, baseline))})`
			: "";
	const held = tier.for ? ` for ${tier.for.text}` : "";
	return `${tier.when.text}${resolved}${held}`;
}

/** A tier for people: "warn > 0.5", "critical > 1 for 10m", "page > 5". */
export function describeTier(tier: Tier, baseline?: number): string {
	return `${tier.level === "warning" ? "warn" : tier.level} ${describeLevel(tier, baseline)}`;
}

/** A tier that fired: its sustained condition held at this reading. */
export interface Fired {
	readonly tier: Tier;
	readonly index: number;
	readonly value: number;
	readonly at: string;
}

const ACTION_RANK: Record<AlertAction, number> = { notify: 0, stop: 1, "schedule-rollback": 2, rollback: 3 };
const LEVEL_RANK: Record<AlertLevel, number> = { warning: 1, critical: 2, page: 3 };

/**
 * Follows each tier through the readings: a tier fires once its level has held for the
 * readings or the time it asks, without a break; a reading outside the level, or a failed
 * one, breaks the run. Holds only a few numbers per tier, however long the watch.
 */
export class Watch {
	private readonly runs: { start: number; count: number; fired: boolean }[];

	constructor(
		readonly tiers: readonly Tier[],
		private readonly baseline?: number,
	) {
		this.runs = tiers.map(() => ({ start: 0, count: 0, fired: false }));
	}

	/**
	 * Takes one reading; returns the tiers that fire for the first time, and the highest level
	 * holding now. The reading's time is asked only when a duration or a firing needs it.
	 */
	observe(value: number | undefined, at: () => string): { fired: Fired[]; level?: AlertLevel } {
		const fired: Fired[] = [];
		let level: AlertLevel | undefined;
		const time = () => Date.parse(at());
		this.tiers.forEach((tier, index) => {
			const run = this.runs[index];
			if (!run) return;
			if (value === undefined || !compare(value, tier.when.op, threshold(tier.when, this.baseline))) {
				run.count = 0;
				return;
			}
			if (run.count === 0 && tier.for?.ms) run.start = time();
			run.count++;
			const held = tier.for?.readings
				? run.count >= tier.for.readings
				: tier.for?.ms
					? time() - run.start >= tier.for.ms
					: true;
			if (!held) return;
			if (!level || LEVEL_RANK[tier.level] > LEVEL_RANK[level]) level = tier.level;
			if (!run.fired) {
				run.fired = true;
				fired.push({ tier, index, value, at: at() });
			}
		});
		return { fired, level };
	}
}

/** Of the tiers that fired together, the one whose action goes furthest. */
export function strongest(fired: readonly Fired[]): Fired | undefined {
	return fired.reduce<Fired | undefined>(
		(best, next) =>
			!best ||
			ACTION_RANK[next.tier.action] > ACTION_RANK[best.tier.action] ||
			(ACTION_RANK[next.tier.action] === ACTION_RANK[best.tier.action] &&
				LEVEL_RANK[next.tier.level] > LEVEL_RANK[best.tier.level])
				? next
				: best,
		undefined,
	);
}

/** The higher of two levels. */
export function higher(a: AlertLevel | undefined, b: AlertLevel | undefined): AlertLevel | undefined {
	if (!a) return b;
	if (!b) return a;
	return LEVEL_RANK[b] > LEVEL_RANK[a] ? b : a;
}
