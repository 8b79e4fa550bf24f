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
