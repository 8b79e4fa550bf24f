import type {
	ChecklistRef,
	Metrics,
	Outcome,
	SessionEvent,
	SessionRecord,
	StepRef,
	StepStatus,
} from "./events.js";

/** What happened to one step, as far as the log tells. */
export interface StepResult {
	readonly status: StepStatus;
	readonly attempts: number;
	readonly startedAt?: string;
	readonly endedAt?: string;
	readonly reason?: string;
	readonly metrics?: Metrics;
	readonly notes?: string;
	/** What the step left for reviewers: command line, exit code, diff, files, readings. */
	readonly evidence?: unknown;
	/** Set when a failed critical step was let through with a written reason. */
	readonly override?: string;
	/** Side effects announced but not confirmed done: on resume, look at the real state first. */
	readonly pendingEffects: readonly string[];
	/** A monitor step's readings in the latest attempt, in order. */
	readonly readings?: readonly Reading[];
}

/** One monitor reading as recorded. */
export interface Reading {
	readonly at: string;
	readonly value?: number;
	readonly error?: string;
	/** The highest alert tier holding at this reading. */
	readonly level?: "warning" | "critical" | "page";
}

export interface Approval {
	readonly stepId: string;
	readonly role: string;
	readonly name: string;
	readonly decision: "approve" | "reject";
	readonly comment?: string;
	/** When this approval was entered. */
	readonly at: string;
	/** The operator who typed it in. */
	readonly enteredBy?: string;
}

export interface SessionState {
	readonly id: string;
	readonly checklist: ChecklistRef;
	readonly vars: Readonly<Record<string, string | number | boolean>>;
	readonly operator: string;
	readonly host: string;
	readonly user: string;
	readonly dryRun: boolean;
	/** The folder the session was started in. */
	readonly cwd: string;
	readonly startedAt: string;
	readonly lastActivityAt: string;
	readonly steps: readonly StepRef[];
	readonly results: Readonly<Record<string, StepResult>>;
	readonly decision?: {
		readonly stepId: string;
		readonly outcome: Outcome;
		readonly reasons: readonly string[];
		readonly conditions: readonly string[];
	};
	readonly approvals: readonly Approval[];
	/** Set once every step had its final result: the outcome the session ended with. */
	readonly ended?: { readonly outcome: Outcome; readonly reasons: readonly string[]; readonly at: string };
	readonly abandoned?: { readonly reason: string; readonly at: string };
	/** How many times the session was resumed after its first process ended. */
	readonly resumes: number;
	/** Every rollback carried out in this session, oldest first. */
	readonly rollbacks: readonly RollbackRun[];
	/** Follow-ups started in this session. */
	readonly followups: readonly { readonly id: string; readonly startedAt: string }[];
}

/** One run of `rollout rollback`. */
export interface RollbackRun {
	readonly startedAt: string;
	readonly trigger?: string;
	readonly actions: readonly { readonly action: string; readonly status: string; readonly detail?: string }[];
	readonly ok?: boolean;
	readonly failedAction?: string;
}

type Change = { -readonly [K in keyof StepResult]?: StepResult[K] };

/**
 * A result with some fields changed. Every result is built by this one literal, its fields always
 * in the same order: results of one shape, where spreads made results of many (the replay of a
 * 3,000-step log took a third longer), and one layout in session.json.
 */
function changed(base: StepResult, change: Change): StepResult {
	return {
		status: change.status ?? base.status,
		attempts: change.attempts ?? base.attempts,
		startedAt: "startedAt" in change ? change.startedAt : base.startedAt,
		endedAt: "endedAt" in change ? change.endedAt : base.endedAt,
		reason: "reason" in change ? change.reason : base.reason,
		metrics: "metrics" in change ? change.metrics : base.metrics,
		notes: "notes" in change ? change.notes : base.notes,
		evidence: "evidence" in change ? change.evidence : base.evidence,
		override: "override" in change ? change.override : base.override,
		pendingEffects: change.pendingEffects ?? base.pendingEffects,
		readings: "readings" in change ? change.readings : base.readings,
	};
}

const PENDING: StepResult = changed({ status: "pending", attempts: 0, pendingEffects: [] }, {});

/** Applies one event to the state. Pure: the given state is left as it was, and the same log always gives the same state. */
export function reduce(state: SessionState | undefined, event: SessionEvent, at: string): SessionState {
	return apply(state && copyState(state), event, at);
}

/**
 * The state a list of records gives, built in one pass: each event changes the state in
 * place, so replay costs the length of the log, never the log times the state.
 */
export function replay(records: readonly SessionRecord[]): SessionState | undefined {
	let state: SessionState | undefined;
	for (const record of records) state = apply(state, record, record.at);
	return state;
}

/**
 * Applies one event to a state the caller owns, changing it in place (a new state only for
 * `session.started`): what replay and the session store do, at a cost that does not grow with
 * the session. A step's result is replaced whole, never edited, so a result read earlier stays as
 * it was, but for its readings; the readings, approvals, rollbacks and follow-ups are lists that
 * grow in place.
 */
export function apply(state: SessionState | undefined, event: SessionEvent, at: string): SessionState {
	if (event.type === "session.started") {
		const { id, checklist, vars, operator, host, user, dryRun, steps, cwd } = event.data;
		return {
			id,
			checklist,
			vars,
			operator,
			host,
			user,
			dryRun,
			cwd,
			startedAt: at,
			lastActivityAt: at,
			steps: [...steps],
			results: pendingResults(steps),
			approvals: [],
			resumes: 0,
			rollbacks: [],
			followups: [],
		};
	}
	if (!state) throw new Error(`a session log must begin with session.started, not ${event.type}`);
	const draft = state as Draft;
	draft.lastActivityAt = at;
	const results = draft.results;

	switch (event.type) {
		case "session.resumed":
			draft.resumes++;
			return draft;
		case "session.checklist-changed":
			draft.checklist = { ...draft.checklist, sha256: event.data.sha256 };
			return draft;
		case "session.closed":
			return draft;
		case "session.ended":
			draft.ended = { outcome: event.data.outcome, reasons: event.data.reasons, at };
			return draft;
		case "followup.started": {
			const known = new Set(draft.steps.map((ref) => ref.id));
			for (const ref of event.data.steps) {
				if (known.has(ref.id)) continue;
				known.add(ref.id);
				draft.steps.push(ref);
				draft.results[ref.id] = PENDING;
			}
			// The follow-up is walked like the rollout was; its own decision, if any, sets the state again.
			draft.followups.push({ id: event.data.followupId, startedAt: at });
			return draft;
		}
		case "step.started": {
			const result = results[event.data.stepId] ?? PENDING;
			results[event.data.stepId] = changed(result, {
				status: "running",
				attempts: event.data.attempt,
				startedAt: at,
				endedAt: undefined,
				reason: undefined,
				override: undefined,
				readings: event.data.continues ? result.readings : undefined,
			});
			return draft;
		}
		case "monitor.reading": {
			const { value, error, level } = event.data;
			const result = results[event.data.stepId] ?? PENDING;
			// The list grows in place (a watch of thousands of readings is never copied per reading);
			// whoever keeps the readings of a moment (a watch going on after an interruption) copies them.
			const readings = (result.readings ?? []) as Reading[];
			readings.push({ at, value, error, ...(level ? { level } : {}) });
			results[event.data.stepId] = changed(result, { readings });
			return draft;
		}
		case "step.intent": {
			const result = results[event.data.stepId] ?? PENDING;
			results[event.data.stepId] = changed(result, {
				pendingEffects: [...result.pendingEffects, event.data.action],
			});
			return draft;
		}
		case "step.effect": {
			const result = results[event.data.stepId] ?? PENDING;
			results[event.data.stepId] = changed(result, {
				pendingEffects: withoutFirst(result.pendingEffects, event.data.action),
			});
			return draft;
		}
		case "step.finished": {
			const { status, reason, metrics, notes, evidence } = event.data;
			const result = results[event.data.stepId] ?? PENDING;
			results[event.data.stepId] = changed(result, {
				status,
				endedAt: at,
				reason,
				metrics,
				notes,
				evidence,
				attempts: Math.max(result.attempts, 1),
			});
			return draft;
		}
		case "step.skipped": {
			const result = results[event.data.stepId] ?? PENDING;
			results[event.data.stepId] = changed(result, {
				status: "skipped",
				endedAt: at,
				reason: event.data.reason,
				evidence: event.data.evidence,
			});
			return draft;
		}
		case "step.interrupted": {
			const result = results[event.data.stepId] ?? PENDING;
			results[event.data.stepId] = changed(result, {
				status: "interrupted",
				endedAt: at,
				reason: event.data.reason,
			});
			return draft;
		}
		case "step.overridden": {
			const result = results[event.data.stepId] ?? PENDING;
			results[event.data.stepId] = changed(result, {
				override: event.data.reason,
			});
			return draft;
		}
		case "decision.made": {
			const { stepId, outcome, reasons, conditions } = event.data;
			results[stepId] = changed(results[stepId] ?? PENDING, {
				// A NO-GO is the step's failure: it is shown and counted as one, never as a green tick.
				status: outcome === "NO-GO" ? "failed" : "passed",
				reason: outcome,
				endedAt: at,
			});
			draft.decision = { stepId, outcome, reasons, conditions };
			return draft;
		}
		case "signoff.recorded":
			draft.approvals.push({ ...event.data, at });
			return draft;
		case "session.abandoned":
			draft.abandoned = { reason: event.data.reason, at };
			return draft;
		case "rollback.started":
			draft.rollbacks.push({ startedAt: at, trigger: event.data.trigger, actions: [] });
			return draft;
		case "rollback.action": {
			const { action, status, detail } = event.data;
			if (status === "started") return draft;
			return withLastRollback(draft, (run) => ({
				...run,
				actions: [...run.actions, { action, status, detail }],
			}));
		}
		case "rollback.finished":
			return withLastRollback(draft, (run) => ({
				...run,
				ok: event.data.ok,
				failedAction: event.data.failedAction,
			}));
	}
}

/** The state as `apply` changes it: the same fields, writable, with lists that grow in place. */
type Draft = {
	-readonly [K in keyof SessionState]: SessionState[K];
} & {
	results: Record<string, StepResult>;
	steps: StepRef[];
	approvals: Approval[];
	rollbacks: RollbackRun[];
	followups: { readonly id: string; readonly startedAt: string }[];
};

/**
 * Every step pending, by id, in a map that is a hash table from the start: a plain object given
 * thousands of keys one by one makes a new hidden class per key (35 ms for 3,000 steps, at every
 * replay); one that had a key deleted is a dictionary already. Keys keep their order either way.
 */
function pendingResults(steps: readonly StepRef[]): Record<string, StepResult> {
	const results: Record<string, StepResult> = { "": PENDING };
	delete results[""];
	for (const step of steps) results[step.id] = PENDING;
	return results;
}

/** A copy that `apply` can change without touching the original: every list it grows, copied. */
function copyState(state: SessionState): SessionState {
	const results: Record<string, StepResult> = {};
	for (const [id, result] of Object.entries(state.results))
		results[id] = result.readings ? changed(result, { readings: [...result.readings] }) : result;
	return {
		...state,
		steps: [...state.steps],
		results,
		approvals: [...state.approvals],
		rollbacks: [...state.rollbacks],
		followups: [...state.followups],
	};
}

function withLastRollback(state: Draft, change: (run: RollbackRun) => RollbackRun): SessionState {
	const last = state.rollbacks.at(-1);
	if (!last) return state;
	state.rollbacks[state.rollbacks.length - 1] = change(last);
	return state;
}

function withoutFirst(list: readonly string[], item: string): string[] {
	const index = list.indexOf(item);
	return index < 0 ? [...list] : [...list.slice(0, index), ...list.slice(index + 1)];
}
