import { join } from "node:path";
import { formatDuration } from "../../checklist/duration.js";
import type { Operator, Step } from "../../checklist/schema.js";
import { compare, formatNumber } from "../../runner/thresholds.js";
import { makeSessionDir, touchSessionFile } from "../../session/atomic.js";
import type { StepContext, StepOutcome } from "../context.js";
import { describeSource, readSource } from "./sources.js";

/** What a monitor step leaves in its evidence for the decision to weigh. */
export interface MonitorVerdict {
	readonly outcome: "ok" | "warned" | "critical" | "failed";
	readonly onCritical?: "rollback" | "stop" | "continue";
	readonly summary?: string;
}

type MonitorStep = Extract<Step, { kind: "monitor" }>;
type Condition = { readonly op: Operator; readonly value: number };

const DEFAULT_TIMEOUT_MS = 5000;

/**
 * Takes `samples` readings `interval` apart, each recorded as it comes. The outcome follows
 * the worst valid reading: critical, warned, or ok; failed when no reading was valid.
 * A critical reading ends the sampling unless `onCritical: continue`.
 */
export async function runMonitor(step: MonitorStep, ctx: StepContext): Promise<StepOutcome> {
	const samples = step.samples ?? 1;
	const source = describeSource(step.source);
	const onCritical = step.onCritical ?? "stop";
	if (ctx.dryRun) {
		return {
			status: "skipped",
			reason: `dry run: would take ${samples} reading(s) from ${source}`,
			evidence: { source },
		};
	}
	makeSessionDir(join(ctx.sessionDir, "logs"));
	touchSessionFile(join(ctx.sessionDir, "logs", `${ctx.stepId}.log`));
	const values: number[] = [];
	const notes = new Set<string>();
	let lastError: string | undefined;
	let worst: MonitorVerdict["outcome"] = "failed";
	for (let sample = 1; sample <= samples; sample++) {
		if (sample > 1) await ctx.clock.sleep(step.interval ?? 0, ctx.signal);
		if (ctx.signal.aborted) return { status: "interrupted", reason: "interrupted while monitoring" };
		try {
			const reading = await readSource(step.source, ctx, ctx.http, step.timeout ?? DEFAULT_TIMEOUT_MS);
			values.push(reading.value);
			if (reading.note) notes.add(reading.note);
			ctx.record({ stepId: step.id, sample, value: reading.value }, "reading");
			worst = worse(worst, level(reading.value, step.warn, step.critical));
		} catch (error) {
			if (ctx.signal.aborted) return { status: "interrupted", reason: "interrupted while monitoring" };
			lastError = (error as Error).message;
			ctx.record({ stepId: step.id, sample, error: lastError }, "reading");
		}
		if (worst === "critical" && onCritical !== "continue") break;
	}
	const bands = [
		step.warn && `warn ${show(step.warn)}`,
		step.critical && `critical ${show(step.critical)}`,
	].filter(Boolean);
	const latest = values.at(-1);
	const summary =
		latest === undefined
			? `${step.id}: failed — no valid reading (${lastError ?? "no reading taken"})`
			: `${step.id}: ${worst} — ${formatNumber(latest)}${bands.length > 0 ? ` (${bands.join(", ")})` : ""}, ${values.length} sample${values.length === 1 ? "" : "s"}`;
	const verdict: MonitorVerdict = { outcome: worst, onCritical, summary };
	const metrics =
		values.length === 0
			? undefined
			: {
					value: latest ?? 0,
					min: Math.min(...values),
					max: Math.max(...values),
					avg: values.reduce((total, value) => total + value, 0) / values.length,
				};
	const evidence = {
		monitor: verdict,
		source,
		levels: { warn: step.warn?.value, critical: step.critical?.value },
		interval: step.interval === undefined ? undefined : formatDuration(step.interval),
		notes: [...notes],
		...(lastError ? { lastError } : {}),
	};
	if (worst === "failed")
		return { status: "failed", reason: `no valid reading: ${lastError ?? "none taken"}`, evidence, summary };
	if (worst === "critical" && onCritical !== "continue") {
		const peak = step.critical
			? values.find((value) => level(value, step.warn, step.critical) === "critical")
			: undefined;
		return {
			status: "failed",
			reason: `${formatNumber(peak ?? latest ?? 0)} breached the critical level ${show(step.critical)}${onCritical === "rollback" ? ": roll back" : ""}`,
			metrics,
			evidence,
			summary,
		};
	}
	return { status: "passed", metrics, evidence, summary };
}

function level(value: number, warn?: Condition, critical?: Condition): MonitorVerdict["outcome"] {
	if (critical && compare(value, critical.op, critical.value)) return "critical";
	if (warn && compare(value, warn.op, warn.value)) return "warned";
	return "ok";
}

const RANK = { failed: 0, ok: 1, warned: 2, critical: 3 } as const;

function worse(a: MonitorVerdict["outcome"], b: MonitorVerdict["outcome"]): MonitorVerdict["outcome"] {
	return RANK[b] > RANK[a] ? b : a;
}

function show(condition?: Condition): string {
	return condition ? `${condition.op} ${formatNumber(condition.value)}` : "";
}
