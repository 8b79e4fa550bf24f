import { join } from "node:path";
import { formatDuration } from "../../checklist/duration.js";
import type { AlertAction, AlertLevel } from "../../checklist/monitor-schema.js";
import type { Step } from "../../checklist/schema.js";
import { formatNumber } from "../../runner/thresholds.js";
import { makeSessionDir, touchSessionFile } from "../../session/atomic.js";
import type { StepContext, StepOutcome } from "../context.js";
import {
	describeLevel,
	describeTier,
	type Fired,
	higher,
	strongest,
	threshold,
	tiersOf,
	Watch,
} from "./alerts.js";
import { baselineValue } from "./baseline.js";
import { describeSource, readSource } from "./sources.js";
import { Checkpoints, plannedReadings } from "./windows.js";

/** What a monitor step leaves in its evidence for the decision to weigh. */
export interface MonitorVerdict {
	readonly outcome: "ok" | "warned" | "critical" | "failed";
	readonly onCritical?: "rollback" | "stop" | "continue";
	/** The highest alert tier that fired. */
	readonly level?: AlertLevel;
	/** The action of the tier that ended the watch, or notify when every tier that fired only notified. */
	readonly action?: AlertAction;
	/** Set when a tier scheduled the rollback: when it is due. */
	readonly rollbackDueAt?: string;
	readonly summary?: string;
}

type MonitorStep = Extract<Step, { kind: "monitor" }>;

const DEFAULT_TIMEOUT_MS = 5000;

/**
 * Takes `samples` readings `interval` apart, each recorded as it comes, and follows each alert
 * tier through them. A tier that fires notifies (printed and recorded) or ends the watch with its
 * action: stop, roll back, or schedule the rollback. Readings an interrupted watch recorded are
 * taken up again, so a long window resumes where it was.
 */
export async function runMonitor(step: MonitorStep, ctx: StepContext): Promise<StepOutcome> {
	const samples = plannedReadings(step);
	const source = describeSource(step.source);
	if (ctx.dryRun) {
		return {
			status: "skipped",
			reason: `dry run: would take ${samples} reading(s) from ${source}`,
			evidence: { source },
		};
	}
	let baseline: number | undefined;
	if (step.baseline) {
		try {
			baseline = baselineValue(step.baseline, ctx.state);
		} catch (error) {
			return { status: "failed", reason: (error as Error).message, evidence: { source } };
		}
	}
	makeSessionDir(join(ctx.sessionDir, "logs"));
	touchSessionFile(join(ctx.sessionDir, "logs", `${ctx.stepId}.log`));
	const tiers = tiersOf(step);
	const watch = new Watch(tiers, baseline);
	const stats = new Figures();
	const notes = new Set<string>();
	const alerts: string[] = [];
	const fired: { tier: number; at: string; value: number }[] = [];
	let lastError: string | undefined;
	let level: AlertLevel | undefined;
	let ended: Fired | undefined;
	const checkpoints = new Checkpoints(step.checkpoints ?? []);
	let windowStart: number | undefined;

	const take = (value: number | undefined, at: () => string, live: boolean) => {
		if (value !== undefined) stats.add(value);
		const seen = watch.observe(value, at);
		if (step.window !== undefined) {
			windowStart ??= Date.parse(at());
			for (const line of checkpoints.observe(Date.parse(at()) - windowStart, value, seen.level))
				if (live) ctx.onOutput?.(`CHECKPOINT ${step.id}: ${line}\n`);
		}
		for (const hit of seen.fired) {
			level = higher(level, hit.tier.level);
			const line = `${hit.at.slice(11, 19)} ${describeTier(hit.tier, baseline)}: ${formatNumber(hit.value)} → ${hit.tier.action}`;
			alerts.push(line);
			fired.push({ tier: hit.index, at: hit.at, value: hit.value });
			if (live) ctx.onOutput?.(`ALERT ${step.id}: ${line}\n`);
		}
		ended = strongest(seen.fired.filter((fired) => fired.tier.action !== "notify"));
		return seen.level;
	};

	// An interrupted watch left readings: they count, and the watch goes on after them (a copy:
	// the state's list grows as this watch records its own).
	const carried = [...(ctx.state.results[ctx.stepId]?.readings ?? [])];
	for (const reading of carried) {
		if (reading.error) lastError = reading.error;
		take(reading.value, () => reading.at, false);
		if (ended) break;
	}
	const lastAt = carried.at(-1)?.at;
	for (let sample = carried.length + 1; sample <= samples && !ended; sample++) {
		if (sample > 1) {
			const since =
				lastAt && sample === carried.length + 1 ? ctx.clock.now().getTime() - Date.parse(lastAt) : 0;
			await ctx.clock.sleep(Math.max(0, (step.interval ?? 0) - since), ctx.signal);
		}
		if (ctx.signal.aborted) return { status: "interrupted", reason: "interrupted while monitoring" };
		// The reading's time, asked of the clock once and only when something needs it.
		let stamp: Date | undefined;
		const now = () => {
			stamp ??= ctx.clock.now();
			return stamp;
		};
		const at = () => now().toISOString();
		// A window resumed after its end takes no more readings: the time it watched is over.
		if (step.window !== undefined && windowStart !== undefined && now().getTime() - windowStart > step.window)
			break;
		try {
			const reading = await readSource(step.source, ctx, ctx.http, step.timeout ?? DEFAULT_TIMEOUT_MS, now);
			if (reading.note) notes.add(reading.note);
			const holding = take(reading.value, at, true);
			ctx.record(
				{ stepId: step.id, sample, value: reading.value, ...(holding ? { level: holding } : {}) },
				"reading",
			);
		} catch (error) {
			if (ctx.signal.aborted) return { status: "interrupted", reason: "interrupted while monitoring" };
			lastError = (error as Error).message;
			take(undefined, at, true);
			ctx.record({ stepId: step.id, sample, error: lastError }, "reading");
		}
	}

	if (step.window !== undefined && !ended) checkpoints.closeUpTo(step.window);
	const outcome: MonitorVerdict["outcome"] =
		stats.count === 0 ? "failed" : level === undefined ? "ok" : level === "warning" ? "warned" : "critical";
	const endedBy = ended as Fired | undefined;
	const action: AlertAction | undefined = endedBy?.tier.action ?? (level ? "notify" : undefined);
	const rollbackDueAt =
		endedBy?.tier.action === "schedule-rollback"
			? new Date(Date.parse(endedBy.at) + (endedBy.tier.within ?? 0)).toISOString()
			: undefined;
	const warnTier = tiers.find((tier) => tier.level === "warning");
	const criticalTier = tiers.find((tier) => tier.level !== "warning");
	const bands = tiers.map((tier) => describeTier(tier, baseline)).join(", ");
	const summary =
		stats.latest === undefined
			? `${step.id}: failed — no valid reading (${lastError ?? "no reading taken"})`
			: `${step.id}: ${level === "page" ? "page" : outcome} — ${formatNumber(stats.latest)}${bands ? ` (${bands})` : ""}, ${stats.count} sample${stats.count === 1 ? "" : "s"}${baseline === undefined ? "" : `, baseline ${formatNumber(baseline)}`}`;
	const verdict: MonitorVerdict = {
		outcome,
		// What the breach did, in the terms the decision and the rollback plan read.
		onCritical: !endedBy ? "continue" : endedBy.tier.action === "rollback" ? "rollback" : "stop",
		...(level ? { level } : {}),
		...(action ? { action } : {}),
		...(rollbackDueAt ? { rollbackDueAt } : {}),
		summary,
	};
	const evidence = {
		monitor: verdict,
		source,
		levels: {
			warn: warnTier && threshold(warnTier.when, baseline),
			critical: criticalTier && threshold(criticalTier.when, baseline),
		},
		interval: step.interval === undefined ? undefined : formatDuration(step.interval),
		notes: [...notes],
		...(step.baseline && baseline !== undefined
			? { baseline: { step: step.baseline.step, metric: step.baseline.metric ?? "value", value: baseline } }
			: {}),
		...(alerts.length > 0 ? { alerts } : {}),
		fired,
		...(checkpoints.lines.length > 0 ? { checkpoints: checkpoints.lines } : {}),
		...(lastError ? { lastError } : {}),
	};
	const metrics = stats.metrics();
	if (outcome === "failed")
		return { status: "failed", reason: `no valid reading: ${lastError ?? "none taken"}`, evidence, summary };
	if (endedBy) {
		const held = `the ${endedBy.tier.level} level ${describeLevel(endedBy.tier, baseline)}`;
		const then =
			endedBy.tier.action === "rollback"
				? ": roll back"
				: rollbackDueAt
					? `: rollback scheduled for ${rollbackDueAt.slice(0, 16).replace("T", " ")} UTC`
					: "";
		return {
			status: "failed",
			reason: `${formatNumber(endedBy.value)} breached ${held}${then}`,
			metrics,
			evidence,
			summary,
		};
	}
	return { status: "passed", metrics, evidence, summary };
}

/** Latest, lowest, highest and mean of the readings, kept as running figures so a long watch holds no list. */
class Figures {
	count = 0;
	latest: number | undefined;
	private min = Number.POSITIVE_INFINITY;
	private max = Number.NEGATIVE_INFINITY;
	private sum = 0;

	add(value: number): void {
		this.count++;
		this.latest = value;
		this.min = Math.min(this.min, value);
		this.max = Math.max(this.max, value);
		this.sum += value;
	}

	metrics() {
		return this.latest === undefined
			? undefined
			: { value: this.latest, min: this.min, max: this.max, avg: this.sum / this.count };
	}
}
