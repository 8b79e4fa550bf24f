import { formatNumber } from "../../runner/thresholds.js";
import type { Outcome, StepRef } from "../../session/events.js";
import type { SessionState } from "../../session/reduce.js";
import type { MonitorVerdict } from "../monitor/monitor.js";

/** The checklist's go/no-go rules, with their defaults filled in. */
export interface DecisionRules {
	readonly criticalMustPass: boolean;
	readonly minPassRate: number;
}

export interface Decision {
	readonly outcome: Outcome;
	/** Every fact the outcome rests on; the blocking ones first. */
	readonly reasons: readonly string[];
	/** What a GO WITH CONDITIONS asks the team to watch. */
	readonly conditions: readonly string[];
}

export const DEFAULT_RULES: DecisionRules = { criticalMustPass: true, minPassRate: 95 };

/**
 * GO / NO-GO / GO WITH CONDITIONS from the steps before the decision: every failed
 * critical step, the pass rate of the others against the minimum, monitor breaches,
 * overrides and rejected sign-offs are each a listed reason or condition.
 */
export function decide(state: SessionState, steps: readonly StepRef[], rules: DecisionRules): Decision {
	const blocking: string[] = [];
	const facts: string[] = [];
	const conditions: string[] = [];
	let passed = 0;
	let judged = 0;
	const notRun: string[] = [];
	for (const step of steps) {
		if (step.kind === "decision" || step.kind === "signoff") continue;
		const result = state.results[step.id];
		const status = result?.status ?? "pending";
		const why = result?.reason ? `: ${result.reason}` : "";
		if (status === "pending" || status === "running" || status === "interrupted") {
			notRun.push(step.id);
			continue;
		}
		const monitor = (result?.evidence as { monitor?: MonitorVerdict } | undefined)?.monitor;
		if (monitor) weighMonitor(step, monitor, conditions);
		if (status === "skipped") {
			if (step.critical && !result?.reason?.startsWith("when:"))
				conditions.push(`critical step ${step.id} was skipped${why}`);
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
		judged++;
		if (status === "passed") passed++;
	}
	if (notRun.length > 0) blocking.push(`${notRun.length} step(s) have not run: ${notRun.join(", ")}`);
	if (judged > 0) {
		const rate = (passed / judged) * 100;
		const line = `pass rate ${formatNumber(rate)} % ${rate >= rules.minPassRate ? "≥" : "<"} ${formatNumber(rules.minPassRate)} % (${passed} of ${judged} non-critical steps passed)`;
		(rate >= rules.minPassRate ? facts : blocking).push(line);
	}
	const critical = steps.filter(
		(step) => step.critical && state.results[step.id]?.status === "passed",
	).length;
	if (critical > 0) facts.push(`${critical} critical step(s) passed`);
	for (const approval of state.approvals) {
		if (approval.decision === "reject")
			blocking.push(`${approval.role} (${approval.name}) rejected the sign-off`);
	}
	const outcome: Outcome =
		blocking.length > 0 ? "NO-GO" : conditions.length > 0 ? "GO WITH CONDITIONS" : "GO";
	return { outcome, reasons: [...blocking, ...facts], conditions };
}

/** Breaches that stop or roll back fail a critical step and count there; the rest become conditions. */
function weighMonitor(step: StepRef, monitor: MonitorVerdict, conditions: string[]): void {
	const summary = monitor.summary ? `: ${monitor.summary}` : "";
	if (monitor.outcome === "warned") conditions.push(`monitor ${step.id} is in its warn band${summary}`);
	if (monitor.outcome === "critical" && monitor.onCritical === "continue") {
		conditions.push(`monitor ${step.id} breached its critical level${summary}`);
	}
}

/** The outcomes an operator may choose in place of the computed one: any downgrade, and GO WITH CONDITIONS with written conditions. */
export function allowedOutcomes(computed: Outcome): Outcome[] {
	if (computed === "GO") return ["GO", "GO WITH CONDITIONS", "NO-GO"];
	if (computed === "GO WITH CONDITIONS") return ["GO WITH CONDITIONS", "NO-GO"];
	return ["NO-GO", "GO WITH CONDITIONS"];
}
