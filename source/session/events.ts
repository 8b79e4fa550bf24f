/**
 * The session as an event log: every fact about a rollout is one of these events,
 * and the session's state is always derived from them (resume is replay).
 */

/** Where a step sits, recorded when the session starts so listings need no checklist. */
export interface StepRef {
	readonly id: string;
	readonly kind: string;
	readonly title: string;
	readonly phase: string;
	readonly critical: boolean;
}

export interface ChecklistRef {
	readonly id: string;
	readonly title: string;
	readonly version?: string;
	/** The checklist file's path as the operator gave it. */
	readonly file: string;
	readonly sha256: string;
}

export type StepStatus = "pending" | "running" | "passed" | "failed" | "skipped" | "interrupted";
export type Outcome = "GO" | "NO-GO" | "GO WITH CONDITIONS";

/** Figures a step produced, such as pass_rate or a monitor reading. */
export type Metrics = Readonly<Record<string, number>>;

export type SessionEvent =
	| {
			readonly type: "session.started";
			readonly data: {
				readonly id: string;
				readonly checklist: ChecklistRef;
				readonly vars: Readonly<Record<string, string | number | boolean>>;
				readonly operator: string;
				readonly host: string;
				readonly user: string;
				readonly dryRun: boolean;
				readonly steps: readonly StepRef[];
				/** The folder the session was started in: relative checklist paths resolve against it. */
				readonly cwd: string;
				/** The `--var` overrides given at start, re-applied when the checklist is loaded again. */
				readonly overrides: Readonly<Record<string, string>>;
				/** The checklist as loaded (interpolated, normalised), so a resume runs what was started. */
				readonly definition: unknown;
			};
	  }
	| {
			/** The checklist file changed and the operator accepted the new version on resume. */
			readonly type: "session.checklist-changed";
			readonly data: {
				readonly sha256: string;
				readonly changedSteps: readonly string[];
				readonly definition: unknown;
			};
	  }
	| { readonly type: "session.closed"; readonly data: { readonly reason: string } }
	| {
			/** Every step has its final result: the session ends with this outcome and is frozen from here on. */
			readonly type: "session.ended";
			readonly data: { readonly outcome: Outcome; readonly reasons: readonly string[] };
	  }
	| {
			/** A follow-up's steps join the session's walk, after its sign-off. */
			readonly type: "followup.started";
			readonly data: { readonly followupId: string; readonly steps: readonly StepRef[] };
	  }
	| {
			readonly type: "session.resumed";
			readonly data: {
				readonly pid: number;
				readonly host: string;
				readonly unclean: boolean;
			};
	  }
	| {
			readonly type: "step.started";
			readonly data: {
				readonly stepId: string;
				readonly attempt: number;
				/** This attempt takes up the readings of the interrupted one (a monitor's window goes on). */
				readonly continues?: boolean;
			};
	  }
	| {
			/** Logged before a side effect; a matching `step.effect` follows when it is done. */
			readonly type: "step.intent";
			readonly data: {
				readonly stepId: string;
				readonly action: string;
				readonly detail?: unknown;
			};
	  }
	| {
			readonly type: "step.effect";
			readonly data: {
				readonly stepId: string;
				readonly action: string;
				readonly result?: unknown;
			};
	  }
	| {
			readonly type: "step.finished";
			readonly data: {
				readonly stepId: string;
				readonly status: "passed" | "failed";
				readonly reason?: string;
				readonly metrics?: Metrics;
				readonly notes?: string;
				readonly evidence?: unknown;
			};
	  }
	| {
			readonly type: "step.skipped";
			readonly data: { readonly stepId: string; readonly reason: string; readonly evidence?: unknown };
	  }
	| {
			readonly type: "step.interrupted";
			readonly data: { readonly stepId: string; readonly reason: string };
	  }
	| {
			/** One reading of a monitor step: a value, or why there is none. */
			readonly type: "monitor.reading";
			readonly data: {
				readonly stepId: string;
				readonly sample: number;
				readonly value?: number;
				readonly error?: string;
				/** The highest alert tier holding at this reading. */
				readonly level?: "warning" | "critical" | "page";
			};
	  }
	| {
			readonly type: "step.overridden";
			readonly data: { readonly stepId: string; readonly reason: string };
	  }
	| {
			readonly type: "decision.made";
			readonly data: {
				readonly stepId: string;
				readonly outcome: Outcome;
				readonly reasons: readonly string[];
				readonly conditions: readonly string[];
			};
	  }
	| {
			readonly type: "signoff.recorded";
			readonly data: {
				readonly stepId: string;
				readonly role: string;
				readonly name: string;
				readonly decision: "approve" | "reject";
				readonly comment?: string;
				/** The operator at the keyboard who typed this approval in (absent in older logs). */
				readonly enteredBy?: string;
			};
	  }
	| {
			readonly type: "session.abandoned";
			readonly data: { readonly reason: string };
	  }
	| {
			readonly type: "rollback.started";
			readonly data: { readonly trigger?: string };
	  }
	| {
			/** One action of a rollback: logged as started before it runs, then with how it ended. */
			readonly type: "rollback.action";
			readonly data: {
				readonly index: number;
				readonly action: string;
				readonly status: "started" | "done" | "already" | "skipped" | "failed";
				readonly detail?: string;
			};
	  }
	| {
			readonly type: "rollback.finished";
			readonly data: { readonly ok: boolean; readonly failedAction?: string };
	  };

export type SessionEventType = SessionEvent["type"];

/** An event as stored: one line of `events.jsonl`, chained to the one before by `prev`. */
export type SessionRecord = SessionEvent & {
	readonly seq: number;
	/** ISO 8601 time the event was written. */
	readonly at: string;
	/** Hash of the previous record; 64 zeros for the first. */
	readonly prev: string;
	/** SHA-256 of the record's canonical JSON without `hash`. */
	readonly hash: string;
};

export const GENESIS_HASH = "0".repeat(64);
