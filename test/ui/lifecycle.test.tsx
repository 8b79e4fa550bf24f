import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Engine } from "../../source/engine/engine.js";
import { listingStatus } from "../../source/session/rules.js";
import { Wizard } from "../../source/ui/wizard.js";
import { KEY, renderScreen } from "../helpers/render.js";
import { makeSandbox } from "../helpers/sandbox.js";
import { tempDir } from "../helpers/temp.js";

const LIFECYCLE = "test/fixtures/lifecycle/lifecycle.yaml";
const WIZARD = "test/fixtures/ui/wizard.yaml";
const CONFIG = "# the service\nfeature: false # turned on by the rollout\n";

const open: Engine[] = [];
afterEach(async () => {
	for (const engine of open.splice(0)) await engine.close().catch(() => {});
});

async function wizardOn(engine: Engine) {
	open.push(engine);
	return renderScreen(
		<Wizard
			engine={engine}
			flow={{ auto: false }}
			signals={{ subscribe: () => () => {} }}
			onExit={() => {}}
		/>,
	);
}

async function lifecycleEngine(vars: Record<string, string> = {}) {
	const app = tempDir("wizard-lifecycle-");
	writeFileSync(join(app, "config.yaml"), CONFIG);
	writeFileSync(join(app, "go"), "");
	const engine = await Engine.start({
		checklistPath: LIFECYCLE,
		vars: { app, ...vars },
		operator: "Dana Ops",
		sessionsDir: tempDir("wizard-lifecycle-sessions-"),
	});
	return { engine, app, config: () => readFileSync(join(app, "config.yaml"), "utf8") };
}

/** The wizard checklist done up to its error-rate monitor, which will read `errorRate`. */
async function wizardRolloutToMonitor(errorRate: string): Promise<Engine> {
	const { app, sessions } = makeSandbox();
	writeFileSync(join(app, "error-rate"), `${errorRate}\n`);
	const engine = await Engine.start({
		checklistPath: WIZARD,
		vars: { app },
		operator: "Dana Ops",
		sessionsDir: sessions,
	});
	for (const id of ["backup", "unit-tests", "enable-flag"]) await engine.run(id);
	engine.answer("smoke", "pass");
	return engine;
}

describe("in the wizard, a NO-GO", () => {
	it("goes from the confirmed decision to its sign-off: the change after it is never offered", async () => {
		const { engine, config } = await lifecycleEngine({ check: "false" });
		await engine.run("check-a");
		await engine.run("check-b");
		const screen = await wizardOn(engine);
		expect(screen.frame()).toContain("The rules say: NO-GO");
		await screen.press(KEY.enter);
		await screen.waitFor("✗ failed — NO-GO");
		await screen.press(KEY.enter);
		await screen.waitFor("Tech Lead (1 of 1)");
		expect(screen.frame()).not.toContain("Apply this change?");
		expect(engine.state.results.flip).toMatchObject({
			status: "skipped",
			reason: "not run: the outcome is NO-GO",
		});
		expect(config()).toBe(CONFIG);
	});
});

describe("in the wizard, a rolled-back session", () => {
	it("is frozen: running a step again from the review is refused on the screen, and nothing is written", async () => {
		const { engine, config } = await lifecycleEngine();
		for (const id of ["check-a", "check-b"]) await engine.run(id);
		engine.decide("decision");
		for (const id of ["wait", "flip"]) await engine.run(id);
		engine.approve("signoff", { role: "Tech Lead", name: "Ada Lead", decision: "approve" });
		expect(config()).toContain("feature: true");
		expect((await engine.rollback()).ok).toBe(true);
		expect(config()).toBe(CONFIG);
		const screen = await wizardOn(engine);
		expect(screen.frame()).toContain("Session ended: rolled back");
		await screen.press("r");
		for (let i = 0; i < 4; i++) await screen.press(KEY.down);
		await screen.press("a");
		await screen.waitFor("was rolled back: it is frozen");
		expect(screen.frame()).not.toContain("Apply this change?");
		expect(config()).toBe(CONFIG);
		expect(listingStatus(engine.state)).toBe("rolled back");
	});
});

describe("in the wizard, a breached critical monitor", () => {
	it("can be overridden with a written reason, and the walk goes on to the decision", async () => {
		const engine = await wizardRolloutToMonitor("5");
		const screen = await wizardOn(engine);
		await screen.press(KEY.enter);
		await screen.waitFor("The monitor calls for a rollback");
		await screen.press("o");
		await screen.type("error budget agreed with the on-call lead");
		await screen.press(KEY.enter);
		await screen.waitFor("The rules say: GO WITH CONDITIONS");
		expect(engine.state.results["error-rate"]?.override).toBe("error budget agreed with the on-call lead");
	});
});

describe("in the wizard, approvals", () => {
	it("are each recorded when entered, with who typed them in", async () => {
		const engine = await wizardRolloutToMonitor("0.2");
		await engine.run("error-rate");
		engine.decide("decision");
		const screen = await wizardOn(engine);
		const approve = async (name: string) => {
			await screen.type(name);
			await screen.press(KEY.enter);
			await screen.press("y");
			await screen.press(KEY.enter);
		};
		await screen.waitFor("Tech Lead (1 of 2)");
		await approve("Alice Lead");
		await screen.waitFor("QA Lead (2 of 2)");
		await new Promise((resolve) => setTimeout(resolve, 1100));
		await approve("Quinn QA");
		await screen.waitFor("✓ passed");
		const [first, second] = engine.state.approvals;
		expect(first).toMatchObject({ role: "Tech Lead", name: "Alice Lead", enteredBy: "Dana Ops" });
		expect(second).toMatchObject({ role: "QA Lead", name: "Quinn QA", enteredBy: "Dana Ops" });
		expect(Date.parse(second?.at ?? "") - Date.parse(first?.at ?? "")).toBeGreaterThanOrEqual(1000);
		expect(readFileSync(join(engine.dir, "signoff.md"), "utf8")).toContain("| Dana Ops |");
	});
});
