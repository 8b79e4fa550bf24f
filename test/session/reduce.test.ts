import { describe, expect, it } from "vitest";
import type { SessionEvent } from "../../source/session/events.js";
import { reduce, type SessionState } from "../../source/session/reduce.js";
import {
	currentStep,
	lifecycle,
	listingStatus,
	progress,
	sessionOutcome,
} from "../../source/session/rules.js";
import { startedEvent } from "../helpers/session.js";

function replay(events: SessionEvent[]): SessionState {
	let state: SessionState | undefined;
	events.forEach((event, index) => {
		state = reduce(state, event, new Date(Date.UTC(2026, 10, 23, 9, 0, index)).toISOString());
	});
	if (!state) throw new Error("no events");
	return state;
}

const start = startedEvent();

describe("reduce", () => {
	it("starts with every step pending and the first one current", () => {
		const state = replay([start]);
		expect(listingStatus(state)).toBe("in progress");
		expect(progress(state)).toEqual({ done: 0, total: 3 });
		expect(currentStep(state)?.id).toBe("backup");
		expect(state.startedAt).toBe("2026-11-23T09:00:00.000Z");
	});

	it("refuses a log that does not begin with session.started", () => {
		expect(() => reduce(undefined, { type: "session.abandoned", data: { reason: "x" } }, "t")).toThrow(
			/must begin with session.started/,
		);
	});

	it("tracks a step through start, intent, effect and finish", () => {
		const state = replay([
			start,
			{ type: "step.started", data: { stepId: "backup", attempt: 1 } },
			{ type: "step.intent", data: { stepId: "backup", action: "copy" } },
		]);
		expect(state.results.backup).toMatchObject({ status: "running", attempts: 1, pendingEffects: ["copy"] });
		const done = replay([
			start,
			{ type: "step.started", data: { stepId: "backup", attempt: 1 } },
			{ type: "step.intent", data: { stepId: "backup", action: "copy" } },
			{ type: "step.effect", data: { stepId: "backup", action: "copy" } },
			{ type: "step.finished", data: { stepId: "backup", status: "passed", metrics: { files: 2 } } },
		]);
		expect(done.results.backup).toMatchObject({
			status: "passed",
			pendingEffects: [],
			metrics: { files: 2 },
		});
		expect(currentStep(done)?.id).toBe("tests");
		expect(progress(done)).toEqual({ done: 1, total: 3 });
		expect(done.lastActivityAt).toBe("2026-11-23T09:00:04.000Z");
	});

	it("leaves an interrupted step current, so resume runs it again", () => {
		const state = replay([
			start,
			{ type: "step.started", data: { stepId: "backup", attempt: 1 } },
			{ type: "step.interrupted", data: { stepId: "backup", reason: "Ctrl+C" } },
		]);
		expect(state.results.backup?.status).toBe("interrupted");
		expect(currentStep(state)?.id).toBe("backup");
		const retried = reduce(
			state,
			{ type: "step.started", data: { stepId: "backup", attempt: 2 } },
			"2026-11-23T10:00:00Z",
		);
		expect(retried.results.backup).toMatchObject({ status: "running", attempts: 2, reason: undefined });
	});

	it("counts skipped and failed steps as done, and records an override", () => {
		const state = replay([
			start,
			{ type: "step.skipped", data: { stepId: "backup", reason: "no config on this host" } },
			{ type: "step.finished", data: { stepId: "tests", status: "failed", reason: "pass_rate 92.5 < 95" } },
			{ type: "step.overridden", data: { stepId: "tests", reason: "flaky suite, tracked in OPS-12" } },
		]);
		expect(progress(state)).toEqual({ done: 2, total: 3 });
		expect(state.results.tests).toMatchObject({
			status: "failed",
			override: "flaky suite, tracked in OPS-12",
		});
	});

	it("takes the decision's outcome as the session's, still in progress until it ends", () => {
		const state = replay([
			start,
			{
				type: "decision.made",
				data: {
					stepId: "decision",
					outcome: "GO WITH CONDITIONS",
					reasons: ["pass rate 96 % ≥ 95 %"],
					conditions: ["watch errors"],
				},
			},
		]);
		expect(sessionOutcome(state)?.outcome).toBe("GO WITH CONDITIONS");
		expect(lifecycle(state)).toBe("decided");
		expect(listingStatus(state)).toBe("in progress");
		expect(state.decision?.conditions).toEqual(["watch errors"]);
		expect(state.results.decision?.status).toBe("passed");
	});

	it("turns any rejected sign-off into NO-GO", () => {
		const state = replay([
			start,
			{ type: "decision.made", data: { stepId: "decision", outcome: "GO", reasons: [], conditions: [] } },
			{
				type: "signoff.recorded",
				data: { stepId: "signoff", role: "Tech Lead", name: "Alice", decision: "approve" },
			},
			{
				type: "signoff.recorded",
				data: { stepId: "signoff", role: "QA Lead", name: "Bo", decision: "reject", comment: "no" },
			},
		]);
		expect(sessionOutcome(state)).toMatchObject({ outcome: "NO-GO", decided: "GO" });
		expect(sessionOutcome(state)?.reasons[0]).toBe("QA Lead (Bo) rejected the sign-off");
		expect(state.approvals.map((approval) => approval.decision)).toEqual(["approve", "reject"]);
	});

	it("ends as rolled back, rollback failed or abandoned", () => {
		const status = (events: Parameters<typeof replay>[0]) => listingStatus(replay(events));
		expect(
			status([
				start,
				{ type: "rollback.started", data: {} },
				{ type: "rollback.finished", data: { ok: true } },
			]),
		).toBe("rolled back");
		expect(
			status([
				start,
				{ type: "rollback.started", data: {} },
				{ type: "rollback.finished", data: { ok: false, failedAction: "restore" } },
			]),
		).toBe("rollback failed");
		expect(status([start, { type: "session.abandoned", data: { reason: "wrong checklist" } }])).toBe(
			"abandoned",
		);
		expect(
			status([start, { type: "session.ended", data: { outcome: "GO WITH CONDITIONS", reasons: [] } }]),
		).toBe("GO WITH CONDITIONS");
	});

	it("counts resumes", () => {
		const state = replay([start, { type: "session.resumed", data: { pid: 1, host: "h", unclean: true } }]);
		expect(state.resumes).toBe(1);
	});
});
