import type { Checklist, Step } from "../checklist/schema.js";
import type { Metrics } from "../session/events.js";
import type { Reading } from "../session/reduce.js";
import {
	type Lifecycle,
	lifecycle,
	listingStatus,
	type SessionOutcome,
	type SessionStatus,
	sessionOutcome,
} from "../session/rules.js";
import { evidenceDetails } from "../steps/evidence-details.js";
import { followupSchedule, type ScheduledFollowup } from "./followups.js";
import { type Interruption, interruptionsOf, type StepInterruption } from "./interruptions.js";
import { type Limit, limitsOf } from "./limits.js";
import { deriveRollbackPlan, describeAction } from "./rollback-plan.js";
import type { SessionData } from "./session-data.js";

/** Version of the report's JSON shape; bumped only when a field changes meaning or goes away. */
export const REPORT_SCHEMA_VERSION = 1;

/** One step as the record shows it. */
export interface ReportStep {
	readonly id: string;
	readonly phase: string;
	/** The phase's (or follow-up's) title, as the checklist names it. */
	readonly phaseTitle: string;
	readonly kind: string;
	readonly title: string;
	readonly critical: boolean;
	readonly status: string;
	readonly reason?: string;
	readonly metrics?: Metrics;
	readonly notes?: string;
	readonly override?: string;
	/** What a reviewer checks beside the status, as the step's kind tells it. */
	readonly details: readonly string[];
	readonly attempts: number;
	readonly startedAt?: string;
	readonly endedAt?: string;
	readonly durationMs?: number;
	/** Command line, exit code, log path, diff, files: whatever the step left. */
	readonly evidence?: unknown;
	readonly readings?: readonly Reading[];
	/** Who did it: the operator at the keyboard, or for a sign-off the people who signed. */
	readonly by?: string;
	/** A prompt's question, and the answer given to it. */
	readonly question?: string;
	readonly answer?: "yes" | "no" | "skipped";
	/** What the checklist asked of the step's figures. */
	readonly limits: readonly Limit[];
	/** Each time the step was cut off, in any attempt. */
	readonly interruptions: readonly StepInterruption[];
}

/**
 * The whole record of a session: what `export --format json` writes and every other
 * format renders. Stable: see docs/report-schema.md.
 */
export interface Report {
	readonly schemaVersion: number;
	readonly session: {
		readonly id: string;
		readonly checklist: {
			readonly id: string;
			readonly title: string;
			readonly version?: string;
			readonly sha256: string;
			readonly file: string;
		};
		readonly operator: string;
		readonly host: string;
		readonly user: string;
		readonly startedAt: string;
		readonly endedAt?: string;
		readonly status: SessionStatus;
		readonly lifecycle: Lifecycle;
		/** When and why the session was given up; it stays so after a rollback. */
		readonly abandoned?: { readonly reason: string; readonly at: string };
		readonly finished: boolean;
		readonly dryRun: boolean;
	};
	/** The session's outcome, computed once: the same on every screen and in every format. */
	readonly decision?: SessionOutcome;
	readonly steps: readonly ReportStep[];
	readonly approvals: readonly {
		role: string;
		name: string;
		decision: string;
		comment?: string;
		at: string;
		enteredBy?: string;
	}[];
	readonly notes: readonly string[];
	readonly rollbackPlan: {
		readonly triggers: readonly string[];
		readonly fired?: string;
		readonly actions: readonly { readonly kind: string; readonly description: string }[];
	};
	readonly rollbacks: SessionData["state"]["rollbacks"];
	/** Every stop of the session's process and the resume that followed it. */
	readonly interruptions: readonly Interruption[];
	/** The follow-ups and when each falls due. */
	readonly followups: readonly ScheduledFollowup[];
	/** The log's event count and head hash: `rollout verify` checks the log still ends here. */
	readonly audit: { readonly events: number; readonly head: string };
}

/** Builds the record from a session's log; pure. */
export function buildReport(data: SessionData): Report {
	const { state, records, definition } = data;
	const status = listingStatus(state);
	const finished = status !== "in progress";
	const plan = deriveRollbackPlan(data);
	const placed = placedSteps(definition);
	const cut = interruptionsOf(records);
	return {
		schemaVersion: REPORT_SCHEMA_VERSION,
		session: {
			id: state.id,
			checklist: state.checklist,
			operator: state.operator,
			host: state.host,
			user: state.user,
			startedAt: state.startedAt,
			endedAt: finished ? (state.ended?.at ?? state.lastActivityAt) : undefined,
			status,
			lifecycle: lifecycle(state),
			abandoned: state.abandoned,
			finished,
			dryRun: state.dryRun,
		},
		decision: sessionOutcome(state),
		steps: state.steps.map((ref): ReportStep => {
			const result = state.results[ref.id];
			const duration =
				result?.startedAt && result.endedAt
					? Date.parse(result.endedAt) - Date.parse(result.startedAt)
					: undefined;
			const step = placed.steps.get(ref.id);
			const status = result?.status ?? "pending";
			return {
				id: ref.id,
				phase: ref.phase,
				phaseTitle: placed.titles.get(ref.phase) ?? ref.phase,
				kind: ref.kind,
				title: ref.title,
				critical: ref.critical,
				status,
				reason: result?.reason,
				metrics: result?.metrics,
				notes: result?.notes,
				override: result?.override,
				details: evidenceDetails(ref.kind, result?.evidence),
				attempts: result?.attempts ?? 0,
				startedAt: result?.startedAt,
				endedAt: result?.endedAt,
				durationMs: duration,
				evidence: result?.evidence,
				readings: result?.readings,
				by: whoDid(ref.kind, ref.id, result?.startedAt, state),
				question: step?.kind === "prompt" ? step.question : undefined,
				answer: step?.kind === "prompt" ? answerOf(result) : undefined,
				// Only a monitor's tiers are judged from its readings and what it recorded of them.
				limits: limitsOf(
					step,
					result?.metrics,
					step?.kind === "monitor"
						? { readings: result?.readings, ...watchedOf(result?.evidence) }
						: undefined,
				),
				interruptions: cut.byStep.get(ref.id) ?? [],
			};
		}),
		approvals: state.approvals.map(({ role, name, decision, comment, at, enteredBy }) => ({
			role,
			name,
			decision,
			comment,
			at,
			enteredBy,
		})),
		notes: [...(definition.notes ?? []), ...definition.phases.flatMap((phase) => phase.notes ?? [])],
		rollbackPlan: {
			triggers: plan.triggers,
			fired: plan.fired,
			actions: plan.actions.map((action) => ({ kind: action.kind, description: describeAction(action) })),
		},
		rollbacks: state.rollbacks,
		interruptions: cut.interruptions,
		followups: followupSchedule(data),
		audit: { events: data.audit.events, head: data.audit.head },
	};
}

/**
 * What the operator answered a prompt. A "no" always comes with notes saying why, which tells
 * it from a prompt failed for want of an answer; a skip the engine decided was never started.
 */
function answerOf(result: SessionData["state"]["results"][string] | undefined): ReportStep["answer"] {
	if (!result?.startedAt) return undefined;
	if (result.status === "passed") return "yes";
	if (result.status === "failed" && result.notes) return "no";
	return result.status === "skipped" ? "skipped" : undefined;
}

/** What a monitor's evidence says of its tiers: the baseline it compared with, the tiers that fired. */
function watchedOf(evidence: unknown): { baseline?: number; fired?: { tier: number; at: string }[] } {
	const recorded = evidence as { baseline?: { value?: unknown }; fired?: unknown } | undefined;
	const baseline = recorded?.baseline?.value;
	const fired = Array.isArray(recorded?.fired)
		? (recorded.fired as { tier: number; at: string }[])
		: undefined;
	return { ...(typeof baseline === "number" ? { baseline } : {}), ...(fired ? { fired } : {}) };
}

/** Who did a step: the people who signed a sign-off; the operator for anything started. */
function whoDid(
	kind: string,
	stepId: string,
	startedAt: string | undefined,
	state: SessionData["state"],
): string | undefined {
	if (kind === "signoff") {
		const names = state.approvals
			.filter((approval) => approval.stepId === stepId)
			.map((approval) => `${approval.name} (${approval.role})`);
		if (names.length > 0) return names.join(", ");
	}
	return startedAt ? state.operator : undefined;
}

/** Every step of the checklist by id, and the titles of its phases and follow-ups, in one pass. */
function placedSteps(definition: Checklist): {
	steps: Map<string, Step>;
	titles: Map<string, string>;
} {
	const steps = new Map<string, Step>();
	const titles = new Map<string, string>();
	for (const group of [...definition.phases, ...(definition.followups ?? [])]) {
		titles.set(group.id, group.title);
		for (const step of group.steps) steps.set(step.id, step);
	}
	return { steps, titles };
}
