import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Engine } from "../../source/engine/engine.js";
import { OperatorError } from "../../source/errors.js";
import { lifecycle, listingStatus, sessionOutcome } from "../../source/session/rules.js";
import { makeSandbox } from "../helpers/sandbox.js";
import { tempDir } from "../helpers/temp.js";

const CHECKLIST = "test/fixtures/lifecycle/lifecycle.yaml";
const open: Engine[] = [];
afterEach(async () => {
	for (const engine of open.splice(0)) await engine.close().catch(() => {});
});

async function start(vars: Record<string, string> = {}) {
	const app = tempDir("engine-lifecycle-");
	writeFileSync(join(app, "config.yaml"), "feature: false\n");
	writeFileSync(join(app, "go"), "");
	const engine = await Engine.start({
		checklistPath: CHECKLIST,
		vars: { app, ...vars },
		operator: "Dana Ops",
		sessionsDir: tempDir("engine-lifecycle-sessions-"),
	});
	open.push(engine);
	return { engine, app };
}

const APPROVE = { role: "Tech Lead", name: "Ada Lead", decision: "approve" } as const;
const refusedWith = (act: () => unknown, words: string) => expect(act).toThrow(new RegExp(words));

/** The whole checklist, approved: the session ends GO. */
async function toEnd(engine: Engine) {
	await toDecision(engine);
	await engine.run("wait");
	await engine.run("flip");
	engine.approve("signoff", APPROVE);
}

async function toDecision(engine: Engine) {
	await engine.run("check-a");
	await engine.run("check-b");
	return engine.decide("decision");
}

describe("the lifecycle", () => {
	it("goes in progress → decided → ended, each transition on the record", async () => {
		const { engine } = await start();
		expect(lifecycle(engine.state)).toBe("in progress");
		await toDecision(engine);
		expect(lifecycle(engine.state)).toBe("decided");
		expect(listingStatus(engine.state)).toBe("in progress");
		await engine.run("wait");
		await engine.run("flip");
		expect(engine.approve("signoff", APPROVE)).toMatchObject({ status: "passed" });
		expect(lifecycle(engine.state)).toBe("ended");
		expect(engine.state.ended?.outcome).toBe("GO");
		expect(listingStatus(engine.state)).toBe("GO");
		expect(JSON.parse(readFileSync(join(engine.dir, "signoff.json"), "utf8")).session.lifecycle).toBe(
			"ended",
		);
	});

	it("refuses every step after a NO-GO but its sign-off, and skips them on the record", async () => {
		const { engine } = await start({ check: "false" });
		expect((await toDecision(engine)).outcome).toBe("NO-GO");
		expect(engine.state.results.decision?.status).toBe("failed");
		expect(engine.state.results.flip).toMatchObject({
			status: "skipped",
			reason: "not run: the outcome is NO-GO",
		});
		await expect(engine.run("flip")).rejects.toThrow(/the outcome is NO-GO/);
		refusedWith(() => engine.skip("flip", "x"), "the outcome is NO-GO");
		expect(engine.current()?.step.id).toBe("signoff");
		engine.approve("signoff", APPROVE);
		expect(engine.state.ended?.outcome).toBe("NO-GO");
	});

	it("freezes an ended session: no run, skip, override, abandon or second decision", async () => {
		const { engine } = await start();
		await toEnd(engine);
		expect(engine.current()).toBeUndefined();
		await expect(engine.run("flip")).rejects.toThrow(/has ended \(GO\): it is frozen/);
		refusedWith(() => engine.skip("flip", "x"), "it is frozen");
		refusedWith(() => engine.override("check-a", "x"), "it is frozen");
		refusedWith(() => engine.decide("decision"), "it is frozen");
		refusedWith(() => engine.abandon("x"), "it is frozen");
	});

	it("freezes a rolled-back session, and opens no follow-up after it", async () => {
		const { engine } = await start();
		await toEnd(engine);
		expect(engine.followupsOpen()).toBe(true);
		expect((await engine.rollback()).ok).toBe(true);
		expect(lifecycle(engine.state)).toBe("rolled back");
		expect(engine.followupsOpen()).toBe(false);
		refusedWith(() => engine.startFollowup("day-1"), "follow-ups come after");
		await expect(engine.run("flip")).rejects.toThrow(/was rolled back: it is frozen/);
	});

	it("opens follow-ups after a GO, and says when one is started early", async () => {
		const { engine } = await start();
		await toEnd(engine);
		engine.startFollowup("day-1");
		expect(engine.notices.at(-1)).toMatch(/^day-1 is due \S+ \(in 23h 59m\); it is started early$/);
		expect(engine.current()?.step.id).toBe("day-1-check");
		await engine.run("day-1-check");
		expect(listingStatus(engine.state)).toBe("GO");
	});

	it("abandons an unfinished session with its reason, and nothing runs after", async () => {
		const { engine } = await start();
		await engine.run("check-a");
		refusedWith(() => engine.abandon("  "), "needs a reason");
		engine.abandon("wrong window");
		expect(listingStatus(engine.state)).toBe("abandoned");
		await expect(engine.run("check-b")).rejects.toThrow(/was abandoned \(wrong window\)/);
	});

	it("rolls back an abandoned session: what it changed is undone, and it lists as rolled back", async () => {
		const { engine, app } = await start();
		await toDecision(engine);
		await engine.run("wait");
		await engine.run("flip");
		expect(readFileSync(join(app, "config.yaml"), "utf8")).toBe("feature: true\n");
		engine.abandon("the window closed before the sign-off");
		expect(listingStatus(engine.state)).toBe("abandoned");
		expect((await engine.rollback()).ok).toBe(true);
		expect(readFileSync(join(app, "config.yaml"), "utf8")).toBe("feature: false\n");
		expect(listingStatus(engine.state)).toBe("rolled back");
		expect(engine.state.abandoned?.reason).toBe("the window closed before the sign-off");
		await expect(engine.run("signoff")).rejects.toThrow(/was rolled back: it is frozen/);
		refusedWith(() => engine.abandon("again"), "it is frozen");
	});

	it("holds the walk at a failed critical step: later steps are refused until it is retried or overridden", async () => {
		const { app, sessions } = makeSandbox();
		writeFileSync(join(app, "failing"), "");
		const engine = await Engine.start({
			checklistPath: "test/fixtures/ui/wizard.yaml",
			vars: { app },
			operator: "Dana Ops",
			sessionsDir: sessions,
		});
		open.push(engine);
		await engine.run("backup");
		expect((await engine.run("unit-tests")).status).toBe("failed");
		expect(engine.blockingStep()).toBe("unit-tests");
		await expect(engine.run("enable-flag")).rejects.toThrow(/critical step unit-tests failed: retry it/);
		engine.override("unit-tests", "known flaky suite");
		expect(engine.blockingStep()).toBeUndefined();
		expect((await engine.run("enable-flag")).status).toBe("passed");
	});

	it("turns a GO into a NO-GO when its sign-off is rejected, and says what the decision had said", async () => {
		const { engine } = await start();
		await toDecision(engine);
		await engine.run("wait");
		await engine.run("flip");
		refusedWith(
			() => engine.approve("signoff", { role: "Tech Lead", name: "Ada", decision: "reject" }),
			"needs a comment",
		);
		engine.approve("signoff", { role: "Tech Lead", name: "Ada", decision: "reject", comment: "not today" });
		expect(sessionOutcome(engine.state)).toMatchObject({ outcome: "NO-GO", decided: "GO" });
		expect(engine.state.ended?.outcome).toBe("NO-GO");
	});

	it("says what it refuses as an operator error (one line, exit 2), never as a bug", async () => {
		const { engine } = await start();
		let caught: unknown;
		try {
			engine.approve("signoff", { role: "Nobody", name: "X", decision: "approve" });
		} catch (error) {
			caught = error;
		}
		expect(caught).toBeInstanceOf(OperatorError);
		expect((caught as OperatorError).exitCode).toBe(2);
	});
});
