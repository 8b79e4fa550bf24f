import { isDone } from "../session/reduce.js";
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

/** When the session was signed off: its last approval, else its decision; undefined before either. */
export function signedOffAt(data: SessionData): string | undefined {
	let at: string | undefined;
	for (const record of data.records) {
		if (record.type === "signoff.recorded" || (record.type === "decision.made" && at === undefined))
			at = record.at;
	}
	return data.state.decision?.outcome === "NO-GO" ? undefined : at;
}

/** The session's follow-ups, each due its `after` past the sign-off. */
export function followupsOf(data: SessionData, now: Date): FollowupDue[] {
	const signed = signedOffAt(data);
	if (!signed) return [];
	return (data.definition.followups ?? []).map((followup) => {
		const due = Date.parse(signed) + followup.after;
		const done = followup.steps.every((step) => isDone(data.state.results[step.id]));
		const status = done
			? "done"
			: now.getTime() < due
				? "upcoming"
				: now.getTime() < due + DAY
					? "due"
					: "overdue";
		return {
			sessionId: data.state.id,
			followupId: followup.id,
			title: followup.title,
			dueAt: new Date(due).toISOString(),
			status,
		};
	});
}
