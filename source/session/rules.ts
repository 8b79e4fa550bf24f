/**
 * The session's rules, written once: what is done, what blocks, what a state allows, and the
 * outcome. Pure functions over the state replayed from the log; the engine enforces them, and
 * the wizard, unattended runs, `list` and every export ask them.
 */
import { isTruthy } from "../checklist/interpolate.js";
import type { When } from "../checklist/schema.js";
import type { Outcome, StepRef } from "./events.js";
import type { SessionState, StepResult } from "./reduce.js";

/** A step counts as done once it has a final result (an interrupted step has to run again). */
export function isDone(result: StepResult | undefined): boolean {
	return result?.status === "passed" || result?.status === "failed" || result?.status === "skipped";
}

/** Steps done and total, for progress displays. */
export function progress(state: SessionState): { done: number; total: number } {
	return {
		done: state.steps.filter((step) => isDone(state.results[step.id])).length,
		total: state.steps.length,
	};
}

/** The first step without a final result: where a resumed session continues. */
export function currentStep(state: SessionState): StepRef | undefined {
	return state.steps.find((step) => !isDone(state.results[step.id]));
}

/** Whether a step holds the rollout: critical, failed, not overridden, and not in a dry run. */
export function blocks(state: SessionState, stepId: string): boolean {
	const result = state.results[stepId];
	return (
		!state.dryRun &&
		result?.status === "failed" &&
		!result.override &&
		state.steps.some((ref) => ref.id === stepId && ref.critical)
	);
}

/** The first step that holds the rollout, if any. */
export function blockingStep(state: SessionState): StepRef | undefined {
	return state.steps.find((ref) => blocks(state, ref.id));
}

/** Whether a step's `when` lets it run: its variable is truthy, or the outcome it asks for came about. */
export function applies(state: SessionState, when: When | undefined): boolean {
	if (when === undefined) return true;
	if (typeof when === "string") return isTruthy(state.vars[when]);
	if (when.decision !== undefined) {
		const outcome = state.decision ? sessionOutcome(state)?.outcome : undefined;
		return outcome !== undefined && listOf(when.decision).includes(outcome);
	}
	const status = when.step === undefined ? undefined : state.results[when.step]?.status;
	return status !== undefined && listOf(when.is ?? []).includes(status as never);
}

/** Why a step's `when` keeps it from running, as the skip records it (always starting "when:"). */
export function whenReason(state: SessionState, when: When): string {
	if (typeof when === "string") return `when: ${when} is not set`;
	if (when.decision !== undefined)
		return `when: the decision is ${listOf(when.decision).join(" or ")}, and it is ${sessionOutcome(state)?.outcome ?? "not made"}`;
	const status = when.step === undefined ? undefined : state.results[when.step]?.status;
	return `when: ${when.step} is ${listOf(when.is ?? []).join(" or ")}, and it is ${status ?? "not done"}`;
}

/** A step meant for a NO-GO (`when: { decision: NO-GO }`): part of the record, done after the gate closes. */
export function forNoGo(when: When | undefined): boolean {
	return typeof when === "object" && when.decision !== undefined && listOf(when.decision).includes("NO-GO");
}

function listOf<T>(value: T | readonly T[]): readonly T[] {
	return Array.isArray(value) ? value : [value as T];
}

/** A must-pass step: it cannot be skipped, and its failure is a NO-GO no one can override. */
export function isMust(state: SessionState, stepId: string): boolean {
	return state.steps.some((ref) => ref.id === stepId && ref.must === true);
}

/** Why the operator may not skip this step, or undefined when they may (a dry run risks nothing). */
export function skipRefusal(state: SessionState, stepId: string): string | undefined {
	return isMust(state, stepId) && !state.dryRun
		? `${stepId} must pass (must: true): it cannot be skipped — answer it or let it fail`
		: undefined;
}

/** Why a failed step may not be overridden, or undefined when it may. */
export function overrideRefusal(state: SessionState, stepId: string): string | undefined {
	return isMust(state, stepId)
		? `${stepId} must pass (must: true): its failure is a NO-GO and cannot be overridden — fix it and retry, or roll back`
		: undefined;
}

/** Steps of the rollout itself: follow-ups, walked after the end, do not change its outcome. */
function rolloutSteps(state: SessionState): StepRef[] {
	const followups = new Set(state.followups.map((followup) => followup.id));
	return state.steps.filter((ref) => !followups.has(ref.phase));
}

/** The session's outcome as it stands, with every reason, or undefined before any decision. */
export interface SessionOutcome {
	readonly outcome: Outcome;
	readonly reasons: readonly string[];
	readonly conditions: readonly string[];
	/** What the decision step concluded, when a later fact overturned it. */
	readonly decided?: Outcome;
}

/**
 * The outcome, computed once for every screen and record: the decision step's, turned into a
 * NO-GO by anything after it that stops the rollout — a rejected or failed sign-off, a critical
 * step failed and not overridden. A session that ended with no decision step carries the
 * outcome recorded when it ended.
 */
export function sessionOutcome(state: SessionState): SessionOutcome | undefined {
	const decision = state.decision;
	if (!decision) {
		return state.ended && { outcome: state.ended.outcome, reasons: state.ended.reasons, conditions: [] };
	}
	const against: string[] = [];
	for (const approval of state.approvals) {
		if (approval.decision === "reject")
			against.push(`${approval.role} (${approval.name}) rejected the sign-off`);
	}
	// What came before the decision is in its reasons already; what came after can overturn it.
	const steps = rolloutSteps(state);
	for (const ref of steps.slice(steps.findIndex((item) => item.id === decision.stepId) + 1)) {
		const result = state.results[ref.id];
		if (ref.kind === "signoff" && result?.status === "failed" && against.length === 0)
			against.push(`sign-off ${ref.id} failed${result.reason ? `: ${result.reason}` : ""}`);
		if (blocks(state, ref.id))
			against.push(`critical step ${ref.id} failed${result?.reason ? `: ${result.reason}` : ""}`);
	}
	if (against.length === 0 || decision.outcome === "NO-GO")
		return {
			outcome: decision.outcome,
			reasons: [...against, ...decision.reasons],
			conditions: decision.conditions,
		};
	return {
		outcome: "NO-GO",
		reasons: [
			...against,
			`the decision (step ${decision.stepId}) had said ${decision.outcome}`,
			...decision.reasons,
		],
		conditions: decision.conditions,
		decided: decision.outcome,
	};
}

/** Where the session is in its life; every state after "signed off" is final. */
export type Lifecycle =
	| "in progress"
	| "decided"
	| "signed off"
	| "ended"
	| "rolled back"
	| "rollback failed"
	| "abandoned";

export function lifecycle(state: SessionState): Lifecycle {
	// An abandoned session can still be rolled back (what it changed is still in place): the
	// rollback is the last thing that happened to it.
	const rollback = state.rollbacks.at(-1);
	if (rollback) return rollback.ok ? "rolled back" : "rollback failed";
	if (state.abandoned) return "abandoned";
	if (state.ended) return "ended";
	if (!state.decision) return "in progress";
	const signoffs = rolloutSteps(state).filter((ref) => ref.kind === "signoff");
	return signoffs.length > 0 && signoffs.every((ref) => isDone(state.results[ref.id]))
		? "signed off"
		: "decided";
}

/** What `list` and the home screen show: in progress until the session has ended, then how it ended. */
export type SessionStatus = "in progress" | Outcome | "rolled back" | "rollback failed" | "abandoned";

export function listingStatus(state: SessionState): SessionStatus {
	const stage = lifecycle(state);
	if (stage === "ended") return state.ended?.outcome ?? "in progress";
	if (stage === "rolled back" || stage === "rollback failed" || stage === "abandoned") return stage;
	return "in progress";
}

/** A session that ends NO-GO or whose rollback failed: the wizard and `rollout run` both exit 1 on it. */
export function endedBadly(state: SessionState): boolean {
	return sessionOutcome(state)?.outcome === "NO-GO" || listingStatus(state) === "rollback failed";
}

/** Follow-ups come after a session that ended GO or GO WITH CONDITIONS, and never after a rollback. */
export function followupsOpen(state: SessionState): boolean {
	const outcome = state.ended && sessionOutcome(state)?.outcome;
	return lifecycle(state) === "ended" && outcome !== undefined && outcome !== "NO-GO";
}

/**
 * The step a walk takes up next: the first unfinished one, unless the session is frozen and
 * it is not a step of a follow-up it started. Undefined when nothing is left to walk.
 */
export function nextToWalk(state: SessionState): StepRef | undefined {
	const ref = currentStep(state);
	if (!ref) return undefined;
	const followup = state.followups.some((item) => item.id === ref.phase);
	return followup || !frozen(state) ? ref : undefined;
}

/** Why the session takes no more steps at all, or undefined while it does. */
export function frozen(state: SessionState): string | undefined {
	const stage = lifecycle(state);
	const id = state.id;
	if (stage === "abandoned") return `session ${id} was abandoned (${state.abandoned?.reason}): it is frozen`;
	if (stage === "rolled back") return `session ${id} was rolled back: it is frozen`;
	if (stage === "rollback failed")
		return `session ${id} was being rolled back: finish that with rollout rollback ${id}`;
	if (stage === "ended") return `session ${id} has ended (${state.ended?.outcome}): it is frozen`;
	return undefined;
}

/**
 * Why this step may not be done now, or undefined when it may. `afterNoGo`: the step's kind
 * is still done after a NO-GO (a sign-off of the rejection).
 */
export function refusal(
	state: SessionState,
	ref: StepRef,
	afterNoGo: boolean,
	when?: When,
): string | undefined {
	const followup = state.followups.some((item) => item.id === ref.phase);
	if (followup) {
		return followupsOpen(state)
			? undefined
			: `follow-up step ${ref.id} runs only after a session that ended GO or GO WITH CONDITIONS`;
	}
	const stop = frozen(state);
	if (stop) return stop;
	const outcome = sessionOutcome(state)?.outcome;
	// What a NO-GO asks for (document the failures, open tickets) is its record: nothing blocks it.
	if (outcome === "NO-GO" && forNoGo(when)) return undefined;
	if (!afterNoGo && outcome === "NO-GO")
		return `the outcome is NO-GO: ${ref.id} is not done, nothing more is changed (roll back, or sign off the NO-GO)`;
	const blocking = blockingStep(state);
	if (blocking && blocking.id !== ref.id && ref.kind !== "decision" && after(state, ref.id, blocking.id))
		return `critical step ${blocking.id} failed: retry it, override it with a reason, or roll back`;
	return undefined;
}

function after(state: SessionState, stepId: string, than: string): boolean {
	const index = (id: string) => state.steps.findIndex((ref) => ref.id === id);
	return index(stepId) > index(than);
}
