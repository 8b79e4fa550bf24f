import type { MonitorVerdict } from "../steps/monitor/monitor.js";
import { dueStatus } from "./followups.js";
import type { SessionData } from "./session-data.js";

/** A rollback a monitor's alert tier scheduled, and when it falls due. */
export interface ScheduledRollback {
	readonly kind: "rollback";
	readonly sessionId: string;
	readonly stepId: string;
	readonly reason: string;
	readonly dueAt: string;
	/** upcoming → due (from its time) → overdue (a day later); done once the session has rolled back. */
	readonly status: "upcoming" | "due" | "overdue" | "done";
}

/** The rollbacks the session's monitors scheduled. */
export function scheduledRollbacksOf(data: SessionData, now: Date): ScheduledRollback[] {
	const rows: ScheduledRollback[] = [];
	for (const ref of data.state.steps) {
		const result = data.state.results[ref.id];
		const monitor = (result?.evidence as { monitor?: MonitorVerdict } | undefined)?.monitor;
		if (!monitor?.rollbackDueAt) continue;
		const due = Date.parse(monitor.rollbackDueAt);
		const rolledBack = data.state.rollbacks.some(
			(run) => run.ok && Date.parse(run.startedAt) >= Date.parse(result?.endedAt ?? ""),
		);
		rows.push({
			kind: "rollback",
			sessionId: data.state.id,
			stepId: ref.id,
			reason: result?.reason ?? "rollback scheduled",
			dueAt: monitor.rollbackDueAt,
			status: dueStatus(due, now, rolledBack),
		});
	}
	return rows;
}
