import type { Condition } from "../../checklist/schema.js";
import { compare, formatNumber } from "../../runner/thresholds.js";
import type { Outcome, StepRef } from "../../session/events.js";
import type { SessionState } from "../../session/reduce.js";
import type { MonitorVerdict } from "../monitor/monitor.js";

/** The checklist's go/no-go rules, with their defaults filled in. */
export interface DecisionRules {
	readonly criticalMustPass: boolean;
	readonly minPassRate: number;
	/** The pass rate as the checklist compares it ("> 95"); in place of `minPassRate` when given. */
	readonly passRate?: Condition;
	/** Pass-rate rules of single phases, by phase id, with the phase's title. */
	readonly phases?: readonly { readonly id: string; readonly title: string; readonly passRate: Condition }[];
}

export interface Decision {
	readonly outcome: Outcome;
	/** Every fact the outcome rests on; the blocking ones first. */
	readonly reasons: readonly string[];
	/** What a GO WITH CONDITIONS asks the team to watch. */
	readonly conditions: readonly string[];
	/** A must-pass step failed or was skipped: NO-GO, and no one may choose otherwise. */
	readonly final?: boolean;
}

export const DEFAULT_RULES: DecisionRules = { criticalMustPass: true, minPassRate: 95 };

/**
 * GO / NO-GO / GO WITH CONDITIONS from the steps before the decision: every failed
 * critical or must-pass step, the pass rates (overall and per phase) against their rules,
 * monitor breaches, overrides and rejected sign-offs are each a listed reason or condition,
 * and the totals close the list.
 */
export function decide(state: SessionState, steps: readonly StepRef[], rules: DecisionRules): Decision {
	const blocking: string[] = [];
	const facts: string[] = [];
	const conditions: string[] = [];
	const tally = new Map<string, { passed: number; judged: number }>();
	const totals = { items: 0, passed: 0, failed: 0, skipped: 0 };
	let final = false;
	const notRun: string[] = [];
	for (const step of steps) {
		if (step.kind === "decision" || step.kind === "signoff") continue;
		const result = state.results[step.id];
		const status = result?.status ?? "pending";
		const why = result?.reason ? `: ${result.reason}` : "";
		const byWhen = status === "skipped" && result?.reason?.startsWith("when:") === true;
		if (!byWhen) totals.items++;
		if (status === "pending" || status === "running" || status === "interrupted") {
			notRun.push(step.id);
			continue;
		}
		const monitor = (result?.evidence as { monitor?: MonitorVerdict } | undefined)?.monitor;
		if (monitor) weighMonitor(step, monitor, conditions);
		if (step.must && monitor?.outcome === "critical" && status === "passed") {
			blocking.push(`must-pass monitor ${step.id} breached its critical level`);
			final = true;
		}
		if (status === "skipped") {
			if (byWhen) continue;
			totals.skipped++;
			if (step.must && !state.dryRun) {
				blocking.push(`must-pass step ${step.id} was skipped${why}`);
				final = true;
			} else if (step.critical) conditions.push(`critical step ${step.id} was skipped${why}`);
			continue;
		}
		if (status === "passed") totals.passed++;
		else totals.failed++;
		if (step.must && status === "failed") {
			blocking.push(`must-pass step ${step.id} failed${why}`);
			final = true;
			continue;
		}
		if (result?.override) {
			conditions.push(`${step.id} failed and was overridden: ${result.override}`);
		}
		if (step.critical) {
			if (status === "failed" && !result?.override) {
				(rules.criticalMustPass ? blocking : conditions).push(`critical step ${step.id} failed${why}`);
			}
			continue;
		}
		for (const key of ["", step.phase]) {
			const count = tally.get(key) ?? { passed: 0, judged: 0 };
			tally.set(key, { passed: count.passed + (status === "passed" ? 1 : 0), judged: count.judged + 1 });
		}
	}
	if (notRun.length > 0) blocking.push(`${notRun.length} step(s) have not run: ${notRun.join(", ")}`);
	const overall = rules.passRate ?? { op: ">=" as const, value: rules.minPassRate };
	weighRate("pass rate", tally.get(""), overall, facts, blocking);
	for (const phase of rules.phases ?? [])
		weighRate(`${phase.title}: pass rate`, tally.get(phase.id), phase.passRate, facts, blocking);
	const critical = steps.filter(
		(step) => step.critical && state.results[step.id]?.status === "passed",
	).length;
	if (critical > 0) facts.push(`${critical} critical step(s) passed`);
	for (const approval of state.approvals) {
		if (approval.decision === "reject")
			blocking.push(`${approval.role} (${approval.name}) rejected the sign-off`);
	}
	const done = totals.passed + totals.failed + totals.skipped;
	if (totals.items > 0)
		facts.push(
			`totals: ${totals.items} items, ${totals.passed} completed, ${totals.failed} failed, ${totals.skipped} skipped, ${totals.items - done} not run; completion rate ${formatNumber((totals.passed / totals.items) * 100)} %`,
		);
	const outcome: Outcome =
		blocking.length > 0 ? "NO-GO" : conditions.length > 0 ? "GO WITH CONDITIONS" : "GO";
	return { outcome, reasons: [...blocking, ...facts], conditions, ...(final ? { final } : {}) };
}

/** One pass-rate rule against its tally, as a fact when it holds and a blocking reason when not. */
function weighRate(
	label: string,
	count: { passed: number; judged: number } | undefined,
	rule: Condition,
	facts: string[],
	blocking: string[],
): void {
	if (!count || count.judged === 0) return;
	const rate = (count.passed / count.judged) * 100;
	const holds = compare(rate, rule.op, rule.value);
	const shown = holds ? SYMBOL[rule.op] : NEGATION[rule.op];
	const line = `${label} ${formatNumber(rate)} % ${shown} ${formatNumber(rule.value)} % (${count.passed} of ${count.judged} non-critical steps passed)`;
	(holds ? facts : blocking).push(line);
}

const SYMBOL: Record<Condition["op"], string> = {
	">": ">",
	">=": "≥",
	"<": "<",
	"<=": "≤",
	"==": "=",
	"!=": "≠",
};
const NEGATION: Record<Condition["op"], string> = {
	">": "≤",
	">=": "<",
	"<": "≥",
	"<=": ">",
	"==": "≠",
	"!=": "=",
};

/** Breaches that stop or roll back fail a critical step and count there; the rest become conditions. */
function weighMonitor(step: StepRef, monitor: MonitorVerdict, conditions: string[]): void {
	const summary = monitor.summary ? `: ${monitor.summary}` : "";
	if (monitor.outcome === "warned") conditions.push(`monitor ${step.id} is in its warn band${summary}`);
	if (monitor.outcome === "critical" && monitor.onCritical === "continue") {
		conditions.push(`monitor ${step.id} breached its critical level${summary}`);
	}
}

/**
 * The outcomes an operator may choose in place of the computed one: any downgrade, and GO WITH
 * CONDITIONS with written conditions — none but NO-GO when a must-pass rule was broken.
 */
export function allowedOutcomes(computed: Outcome, final = false): Outcome[] {
	if (final) return ["NO-GO"];
	if (computed === "GO") return ["GO", "GO WITH CONDITIONS", "NO-GO"];
	if (computed === "GO WITH CONDITIONS") return ["GO WITH CONDITIONS", "NO-GO"];
	return ["NO-GO", "GO WITH CONDITIONS"];
}
