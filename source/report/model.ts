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
import { evidenceDetails } from "../steps/registry.js";
import { deriveRollbackPlan, describeAction } from "./rollback-plan.js";
import type { SessionData } from "./session-data.js";

/** Version of the report's JSON shape; bumped only when a field changes meaning or goes away. */
export const REPORT_SCHEMA_VERSION = 1;

/** One step as the record shows it. */
export interface ReportStep {
	readonly id: string;
	readonly phase: string;
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
	/** The log's event count and head hash: `rollout verify` checks the log still ends here. */
	readonly audit: { readonly events: number; readonly head: string };
}

/** Builds the record from a session's log; pure. */
export function buildReport(data: SessionData): Report {
	const { state, records, definition } = data;
	const status = listingStatus(state);
	const finished = status !== "in progress";
	const plan = deriveRollbackPlan(data);
	const last = records.at(-1);
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
			return {
				id: ref.id,
				phase: ref.phase,
				kind: ref.kind,
				title: ref.title,
				critical: ref.critical,
				status: result?.status ?? "pending",
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
		audit: { events: records.length, head: last?.hash ?? "" },
	};
}
