import { describe, expect, it } from "vitest";
import { initialWizardState, reduceWizard, type WizardState } from "../../source/ui/wizard-state.js";

const at = (state: WizardState, ...actions: Parameters<typeof reduceWizard>[1][]) =>
	actions.reduce(reduceWizard, state);

describe("the wizard's screen flow", () => {
	const start = initialWizardState({ name: "step", stepId: "backup" }, ["the last run did not end cleanly"]);

	it("runs a step, shows its result, and drops the resume notices once acted on", () => {
		const state = at(
			start,
			{ type: "started", stepId: "backup", at: 5 },
			{ type: "finished", stepId: "backup", outcome: { status: "passed" } },
		);
		expect(state.screen).toEqual({ name: "result", stepId: "backup", outcome: { status: "passed" } });
		expect(state.notices).toEqual([]);
	});

	it("marks a running step as stopping on the first Ctrl+C", () => {
		const state = at(start, { type: "started", stepId: "backup", at: 5 }, { type: "stopping" });
		expect(state.screen).toMatchObject({ name: "running", stopping: true });
		expect(at(start, { type: "stopping" }).screen).toEqual(start.screen);
	});

	it("after an interruption, staying goes back to the cut-off step; otherwise to where it was", () => {
		const interrupted = at(start, { type: "ask-quit", stepId: "tests", code: 130 });
		expect(interrupted.screen).toEqual({ name: "quit", stepId: "tests", code: 130 });
		expect(at(interrupted, { type: "stay" }).screen).toEqual({ name: "step", stepId: "tests" });
		const asked = at(start, { type: "ask-quit", code: 0 });
		expect(at(asked, { type: "stay" }).screen).toEqual(start.screen);
	});

	it("a second quit question keeps where to come back to", () => {
		const state = at(start, { type: "ask-quit", code: 0 }, { type: "ask-quit", code: 130 });
		expect(at(state, { type: "stay" }).screen).toEqual(start.screen);
	});

	it("moves through the review within its bounds; the walk goes on under it and shows when it is closed", () => {
		const review = at(start, { type: "browse", view: { name: "review", index: 0, open: true } });
		expect(review.screen).toEqual(start.screen);
		expect(at(review, { type: "review-move", by: -1, count: 3 }).browse).toMatchObject({
			index: 0,
			open: false,
		});
		expect(
			at(review, { type: "review-move", by: 1, count: 3 }, { type: "review-move", by: 5, count: 3 }).browse,
		).toMatchObject({ index: 2 });
		// A step starts and finishes while the operator reads: the review stays, a line says so.
		const walked = at(
			review,
			{ type: "started", stepId: "b", at: 5 },
			{ type: "finished", stepId: "b", outcome: { status: "failed", reason: "exit 1" } },
		);
		expect(walked.browse).toMatchObject({ name: "review" });
		expect(walked.message).toBe("b failed: Esc shows it");
		const back = at(walked, { type: "browse", view: undefined });
		expect(back.browse).toBeUndefined();
		expect(back.screen).toMatchObject({ name: "result", stepId: "b" });
		// A quit question is never hidden under the review.
		expect(at(review, { type: "ask-quit", code: 130 }).browse).toBeUndefined();
	});

	it("asks before a rollback, then collects its lines and its end", () => {
		const asked = {
			name: "rollback",
			phase: "confirm",
			why: "error rate 2 > 1",
			actions: ["restore config.yaml"],
			from: start.screen,
			lines: [],
		} as const;
		const state = at(
			start,
			{ type: "show", screen: asked },
			{ type: "rollback-started" },
			{ type: "rollback-line", line: "✓ restore config.yaml — done" },
			{ type: "rollback-ended", ok: true },
		);
		expect(state.screen).toEqual({
			...asked,
			phase: "ended",
			lines: ["✓ restore config.yaml — done"],
			ok: true,
		});
	});

	it("a new screen clears the last message and the help text; the overlay toggles", () => {
		const state = at(start, { type: "message", text: "wrote report.md" }, { type: "toggle-details" });
		expect(state).toMatchObject({ message: "wrote report.md", details: true });
		expect(at(state, { type: "show", screen: { name: "done", panel: "summary" } })).toMatchObject({
			message: undefined,
			details: false,
		});
		expect(at(start, { type: "toggle-help" }).help).toBe(true);
		expect(at(start, { type: "exit", code: 130 }).exit).toBe(130);
	});
});
