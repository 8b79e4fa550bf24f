import { formatDuration } from "../checklist/duration.js";
import { followupsOpen, isDone } from "../session/rules.js";
import type { SessionData } from "./session-data.js";

/** A follow-up of a signed-off session and when it falls due. */
export interface FollowupDue {
	readonly sessionId: string;
	readonly followupId: string;
	readonly title: string;
	readonly dueAt: string;
	/** upcoming → due (on the day) → overdue (a day later); done once every step has a result. */
	readonly status: "upcoming" | "due" | "overdue" | "done";
}

const DAY = 86_400_000;

/** When the session ended GO or GO WITH CONDITIONS (follow-ups count from then); undefined otherwise. */
export function signedOffAt(data: SessionData): string | undefined {
	return followupsOpen(data.state) ? data.state.ended?.at : undefined;
}

/** Where something due at `due` (ms) stands: upcoming, due (from its time), overdue (a day later), or done. */
export function dueStatus(due: number, now: Date, done: boolean): FollowupDue["status"] {
	if (done) return "done";
	if (now.getTime() < due) return "upcoming";
	return now.getTime() < due + DAY ? "due" : "overdue";
}

/** The session's follow-ups, each due its `after` past the sign-off. */
export function followupsOf(data: SessionData, now: Date): FollowupDue[] {
	const signed = signedOffAt(data);
	if (!signed) return [];
	return (data.definition.followups ?? []).map((followup) => {
		const due = Date.parse(signed) + followup.after;
		const done = followup.steps.every((step) => isDone(data.state.results[step.id]));
		const status = dueStatus(due, now, done);
		return {
			sessionId: data.state.id,
			followupId: followup.id,
			title: followup.title,
			dueAt: new Date(due).toISOString(),
			status,
		};
	});
}

/** A follow-up as the record shows it: when it falls due and how far it got. */
export interface ScheduledFollowup {
	readonly id: string;
	readonly title: string;
	/** How long after the sign-off it falls due, as written: "1d", "7d". */
	readonly after: string;
	/** Absent until the session ended GO or GO WITH CONDITIONS. */
	readonly dueAt?: string;
	readonly startedAt?: string;
	readonly status: "not started" | "started" | "done";
}

/** The session's follow-ups with their due times; pure, so the record reads the same whenever it is written. */
export function followupSchedule(data: SessionData): ScheduledFollowup[] {
	const signed = signedOffAt(data);
	const started = new Map(data.state.followups.map((followup) => [followup.id, followup.startedAt]));
	return (data.definition.followups ?? []).map((followup) => {
		const startedAt = started.get(followup.id);
		const done = followup.steps.every((step) => isDone(data.state.results[step.id]));
		return {
			id: followup.id,
			title: followup.title,
			after: afterText(followup.after),
			dueAt: signed ? new Date(Date.parse(signed) + followup.after).toISOString() : undefined,
			startedAt,
			status: startedAt === undefined ? "not started" : done ? "done" : "started",
		};
	});
}

/** "7 days", "2h 00m": follow-ups are mostly counted in days. */
function afterText(ms: number): string {
	const days = ms / DAY;
	return Number.isInteger(days) ? `${days} day${days === 1 ? "" : "s"}` : formatDuration(ms);
}
