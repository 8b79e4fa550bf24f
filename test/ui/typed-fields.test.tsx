import { describe, expect, it } from "vitest";
import type { Step } from "../../source/checklist/schema.js";
import { PromptForm } from "../../source/ui/views/forms.js";
import { KEY, renderScreen } from "../helpers/render.js";

const step = {
	id: "perf",
	kind: "prompt",
	title: "Performance per operation",
	question: "Time one operation.",
	fields: [
		{ name: "actual_ms", label: "Actual", type: "number", unit: "ms", expect: { op: "<", value: 50 } },
		{ name: "risk", label: "Technical risk", type: "choice", choices: ["LOW", "MEDIUM", "HIGH"] },
	],
} as Extract<Step, { kind: "prompt" }>;

describe("a prompt with typed fields", () => {
	it("asks each field after pass, refuses what is not a number, offers the choices, then the notes", async () => {
		const answers: unknown[][] = [];
		const screen = await renderScreen(
			<PromptForm step={step} onAnswer={(...answer) => answers.push(answer)} />,
		);
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
		await screen.type("timed on staging");
		screen.stdin.write(KEY.enter);
		await new Promise((resolve) => setTimeout(resolve, 50));
		expect(answers).toEqual([["pass", "timed on staging", { actual_ms: "42", risk: "MEDIUM" }]]);
	});

	it("asks no fields for a skip", async () => {
		const answers: unknown[][] = [];
		const screen = await renderScreen(
			<PromptForm step={step} onAnswer={(...answer) => answers.push(answer)} />,
		);
		await screen.press("s");
		expect(screen.frame()).toContain("Why skip it? (required)");
		await screen.type("staging is down");
		screen.stdin.write(KEY.enter);
		await new Promise((resolve) => setTimeout(resolve, 50));
		expect(answers).toEqual([["skip", "staging is down", undefined]]);
	});
});
