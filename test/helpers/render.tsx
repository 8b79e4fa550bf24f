import { render as inkRender } from "ink-testing-library";
import type { ReactElement } from "react";
import { afterEach } from "vitest";

/** What the terminal sends for the keys the tests press. */
export const KEY = {
	enter: "\r",
	up: "\u001B[A",
	down: "\u001B[B",
	escape: "\u001B",
	ctrlC: "\u0003",
} as const;

const mounted: (() => void)[] = [];
afterEach(() => {
	for (const unmount of mounted.splice(0)) unmount();
});

/** Polls until `ready` holds (every 10 ms, up to `timeoutMs`); the message says what was awaited. */
export async function waitUntil(
	ready: () => boolean,
	what: string | (() => string),
	timeoutMs = 10_000,
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!ready()) {
		if (Date.now() > deadline)
			throw new Error(`timed out waiting for ${typeof what === "string" ? what : what()}`);
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}

/** Lets React re-subscribe input handlers after a frame changed. */
const settle = () => new Promise((resolve) => setImmediate(() => setTimeout(resolve, 0)));

/**
 * Renders an Ink tree as the operator would see it, waits for the first frame, and offers
 * `press` (writes a key, waits until the frame changes) and `waitFor` (until text shows).
 * Unmounted after each test.
 */
export async function renderScreen(node: ReactElement) {
	const app = inkRender(node);
	mounted.push(() => app.unmount());
	const frame = () => app.lastFrame() ?? "";
	await waitUntil(() => frame() !== "", "the first frame");
	await settle();
	return {
		...app,
		frame,
		async press(key: string): Promise<void> {
			const before = frame();
			app.stdin.write(key);
			await waitUntil(() => frame() !== before, `the screen to change after ${JSON.stringify(key)}`);
			await settle();
		},
		/** Writes text into the focused text field. */
		async type(text: string): Promise<void> {
			await this.press(text);
		},
		async waitFor(text: string, timeoutMs?: number): Promise<void> {
			await waitUntil(
				() => frame().includes(text),
				() => `"${text}" on screen:\n${frame()}`,
				timeoutMs,
			);
			await settle();
		},
	};
}
