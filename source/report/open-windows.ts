import { placedSteps } from "../checklist/steps.js";
import { describeWindow, openWindows } from "../steps/monitor/windows.js";
import type { SessionData } from "./session-data.js";

/** An observation window left open: the watch waits for the operator to resume it. */
export interface WindowDue {
	readonly kind: "window";
	readonly sessionId: string;
	readonly stepId: string;
	readonly detail: string;
	/** Its next checkpoint, or its end. */
	readonly dueAt: string;
	/** due while the window runs; overdue once its end has passed without the watch closing it. */
	readonly status: "due" | "overdue";
}

/** The session's observation windows that took readings and have not closed: each waits for its watch to be resumed. */
export function openWindowsOf(data: SessionData, now: Date): WindowDue[] {
	if (data.state.ended || data.state.abandoned) return [];
	const steps = new Map(placedSteps(data.definition).map(({ step }) => [step.id, step]));
	const started = data.state.steps.filter((ref) => (data.state.results[ref.id]?.readings?.length ?? 0) > 0);
	return openWindows(data.state, started, (id) => steps.get(id)).map((window) => ({
		kind: "window",
		sessionId: data.state.id,
		stepId: window.stepId,
		detail: describeWindow(window),
		dueAt: window.nextCheckpointAt ?? window.endsAt ?? now.toISOString(),
		status: window.endsAt && Date.parse(window.endsAt) < now.getTime() ? "overdue" : "due",
	}));
}
