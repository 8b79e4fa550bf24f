import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Engine } from "../../source/engine/engine.js";
import { Wizard } from "../../source/ui/wizard.js";
import { KEY, renderScreen, waitUntil } from "../helpers/render.js";
import { tempDir } from "../helpers/temp.js";

const open: Engine[] = [];
afterEach(async () => {
	for (const engine of open.splice(0)) await engine.close().catch(() => {});
});

async function openWatch(options: { before?: (engine: Engine) => Promise<void> | void } = {}) {
	const app = tempDir("rollout-watch-");
	writeFileSync(join(app, "depth"), "12\n");
	const engine = await Engine.start({
		checklistPath: "test/fixtures/ui/watch.yaml",
		vars: { app },
		operator: "Dana Ops",
		sessionsDir: tempDir("rollout-sessions-"),
	});
	open.push(engine);
	await options.before?.(engine);
	const screen = await renderScreen(<Wizard engine={engine} flow={{ auto: false }} onExit={() => {}} />);
	return { screen, engine };
}

/** The frame with its line breaks taken out, to find text that wrapped. */
const unwrapped = (frame: string) => frame.replaceAll("\n", "");

describe("nothing cut off", () => {
	it("wraps a long command line instead of cutting it, and a long phase title never pushes the step title out", async () => {
		const { screen } = await openWatch();
		const frame = screen.frame();
		expect(frame).toContain("Check every adapter\ncommand · Verify the coordinator");
		// Every word of the command is on screen, the last one included.
		for (const word of ["adapters-alpha", "adapters-golf", "adapters-lima-end"])
			expect(unwrapped(frame)).toContain(word);
		for (const line of frame.split("\n")) expect(line.length).toBeLessThanOrEqual(100);
	});

	it("keeps the outcome line on the end screen and scrolls what does not fit under it", async () => {
		const conditions = Array.from({ length: 30 }, (_, index) => `condition number ${index + 1} is met`);
		const { screen } = await openWatch({
			before: async (engine) => {
				await engine.run("long-command");
				await engine.run("watch");
				engine.answer("look", "pass");
				engine.decide("decision", { outcome: "GO WITH CONDITIONS", conditions });
			},
		});
		await screen.waitFor("Session ended: GO WITH CONDITIONS");
		expect(screen.frame()).toContain("more (↓)");
		expect(screen.frame()).toContain("↓/j scroll");
		expect(screen.frame()).not.toContain("condition number 30 ");
		for (let press = 0; press < 30; press++) screen.stdin.write("j");
		await screen.waitFor("condition number 30 is met");
		// Scrolled to the end, the outcome line is still the first thing under the phases.
		expect(screen.frame()).toContain("Session ended: GO WITH CONDITIONS");
		expect(screen.frame()).not.toContain("condition number 1 is met");
	});
});

describe("monitors do not hold the operator", () => {
	it("the review opens while readings come in, shows the time left, and Esc comes back to the walk", async () => {
		const { screen, engine } = await openWatch({
			before: (engine) => engine.run("long-command").then(() => {}),
		});
		await screen.waitFor("Queue depth");
		await screen.press(KEY.enter);
		await screen.waitFor("readings 1/8");
		expect(screen.frame()).toMatch(/running · [\d.]+m?s · at most [\d.ms ]+ left/);
		expect(screen.frame()).toContain("r review · l its log");
		await screen.press("r");
		expect(screen.frame()).toContain("Review (read-only)");
		const before = engine.state.results.watch?.readings?.length ?? 0;
		// The monitor samples on while the operator reads earlier steps.
		await waitUntil(
			() => (engine.state.results.watch?.readings?.length ?? 0) >= before + 2,
			"two more readings",
		);
		await screen.press(KEY.down);
		expect(screen.frame()).toContain("Review (read-only)");
		await waitUntil(() => engine.state.results.watch?.status === "passed", "the monitor to pass", 15_000);
		await screen.waitFor("watch passed: Esc shows it");
		await screen.press(KEY.escape);
		expect(screen.frame()).toContain("✓ passed");
		expect(screen.frame()).toContain("readings 8/8");
	}, 30_000);
});
