import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Engine } from "../../source/engine/engine.js";
import { evidenceDetails } from "../../source/steps/registry.js";
import { Wizard } from "../../source/ui/wizard.js";
import { KEY, renderScreen, waitUntil } from "../helpers/render.js";
import { tempDir } from "../helpers/temp.js";

const open: Engine[] = [];
afterEach(async () => {
	for (const engine of open.splice(0)) await engine.close().catch(() => {});
});

async function openWizard() {
	const engine = await Engine.start({
		checklistPath: "test/fixtures/ui/typed.yaml",
		operator: "Dana Ops",
		sessionsDir: join(tempDir(), "sessions"),
	});
	open.push(engine);
	const screen = await renderScreen(
		<Wizard
			engine={engine}
			flow={{ auto: false }}
			signals={{ subscribe: () => () => {} }}
			onExit={() => {}}
		/>,
	);
	return { screen, engine };
}

describe("a prompt with typed fields, in the wizard", () => {
	it("asks each field after pass, refuses what is not a number, offers the choices, then records them", async () => {
		const { screen, engine } = await openWizard();
		await screen.waitFor("Time one operation.");
		await screen.press("p");
		expect(screen.frame()).toContain("Actual (ms, expected < 50 ms):");
		await screen.type("fast");
		await screen.press(KEY.enter);
		expect(screen.frame()).toContain('Actual: "fast" is not a number');
		await screen.press("\u0015");
		await screen.type("42");
		await screen.press(KEY.enter);
		expect(screen.frame()).toContain("Actual: 42 ms (expected < 50 ms) ✓");
		expect(screen.frame()).toContain("Technical risk:");
		await screen.press(KEY.down);
		await screen.press(KEY.enter);
		expect(screen.frame()).toContain("Technical risk: MEDIUM");
		expect(screen.frame()).toContain("Notes (optional, Enter to go on):");
		await screen.press(KEY.enter);
		await waitUntil(() => engine.state.results.perf?.status === "passed", "the prompt to be recorded");
		expect(evidenceDetails("prompt", engine.state.results.perf?.evidence)).toEqual([
			"Actual: 42 ms (expected < 50 ms) ✓",
			"Technical risk: MEDIUM",
		]);
	});

	it("fails the step when the number misses its threshold, though the operator said pass", async () => {
		const { screen, engine } = await openWizard();
		await screen.waitFor("Time one operation.");
		await screen.press("p");
		await screen.type("70");
		await screen.press(KEY.enter);
		expect(screen.frame()).toContain("Actual: 70 ms (expected < 50 ms) ✗");
		await screen.press(KEY.enter);
		await screen.press(KEY.enter);
		await waitUntil(() => engine.state.results.perf?.status === "failed", "the prompt to fail");
		expect(engine.state.results.perf?.reason).toBe("Actual 70 ms, expected < 50 ms");
	});
});
