import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BIN, ROOT, runCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/temp.js";
import { Terminal } from "../helpers/terminal.js";

describe("the built bin in a real terminal", () => {
	it("walks the demo, survives Ctrl+C during a command, resumes, finishes and exports", async () => {
		const config = tempDir("rollout-config-");
		const sessions = tempDir("rollout-sessions-");
		writeFileSync(join(config, "config.json"), JSON.stringify({ operator: "Terry Tmux" }));
		const env = { ROLLOUT_CONFIG_DIR: config, NO_COLOR: "1" };
		const first = Terminal.open(["node", BIN, "demo", "--sessions-dir", sessions], { cwd: ROOT, env });

		let screen = await first.waitFor("Press Enter to run it.");
		expect(screen).toContain("Demo — enable the new checkout v1.0");
		expect(screen).toContain("Terry Tmux");
		expect(screen).toMatch(/▸ Prepare\s+·+ 0\/3/);
		expect(screen.split("\n").length).toBeLessThanOrEqual(25);
		const step = async (title: string, key: string, done: string | RegExp) => {
			await first.waitFor(title);
			await first.send(key, done);
			await first.send("Enter", /Press Enter to run it|Apply this change|Did the order go through/);
		};
		await step("Set up the demo service", "Enter", "✓ passed");
		await step("Back up the configuration", "Enter", /sha256 [0-9a-f]{12}/);
		await step("Unit tests", "Enter", "✓ pass_rate 100 (>= 95)");
		screen = await first.waitFor("Apply this change? (y to apply)");
		expect(screen).toContain("-  new_checkout: false   # the rollout turns this on");
		expect(screen).toContain("+  new_checkout: true   # the rollout turns this on");
		await first.send("y", "✓ passed");
		await first.send("Enter", "Did the order go through?");
		await first.send("Enter", "Notes (optional):");
		await first.send("order 1042 went through", "order 1042 went through", { literal: true });
		await first.send("Enter", "✓ passed");
		await first.send("Enter", "Checkout error rate (%)");
		await first.send("Enter", "readings 1/3");
		screen = await first.send("C-c", "Quit now? (y/n)");
		expect(screen).toContain("error-rate was interrupted");
		screen = await first.send("y", "EXIT=130");
		const [id] = readdirSync(sessions).filter((name) => name.includes("demo"));
		expect(screen.replaceAll("\n", "")).toContain(`resume with: rollout resume ${id}`);

		const second = Terminal.open(["node", BIN, "resume", "--sessions-dir", sessions], { cwd: ROOT, env });
		screen = await second.waitFor("Press Enter to run it.");
		expect(screen).toContain("Checkout error rate (%)  monitor · critical · cut off 1× before");
		expect(screen).toMatch(/✓ Enable\s+█+ 2\/2/);
		await second.send("Enter", "readings 3/3");
		await second.waitFor("Enter to go on.");
		await second.send("Enter", "Checkout latency P95 (ms)");
		await second.send("Enter", "Enter to go on.");
		await second.send("Enter", "The rules say: GO");
		await second.send("Enter", "✓ passed — GO");
		await second.send("Enter", "Tech Lead (1 of 2)");
		for (const [role, name, next] of [
			["Tech Lead", "Grace Hopper", "QA Lead (2 of 2)"],
			["QA Lead", "Alan Turing", "Session ended: GO"],
		] as const) {
			await second.waitFor(`${role} (`);
			await second.send(name, name, { literal: true });
			await second.send("Enter", `${name} approves`);
			await second.send("Enter", "Comment (optional):");
			await second.send("Enter", next);
		}
		screen = second.screen();
		expect(screen).toContain("✓ QA Lead: Alan Turing");
		await second.send("e", "Export the record as:");
		await second.send("Enter", "wrote ");
		await second.send("q", "EXIT=0");

		const dir = join(sessions, id ?? "");
		const report = readFileSync(join(dir, "report.md"), "utf8");
		expect(report).toContain("GO");
		expect(report).toContain("Grace Hopper");
		expect(report).toContain("order 1042 went through");
		const events = readFileSync(join(dir, "events.jsonl"), "utf8");
		expect(events).toContain('"type":"step.interrupted"');
		expect(readFileSync(join(dir, "signoff.md"), "utf8")).toContain("Alan Turing");
		expect(runCli(["verify", id ?? ""], { env: { ROLLOUT_SESSIONS_DIR: sessions } }).code).toBe(0);
	}, 120_000);

	it("says what to do instead when there is no terminal", () => {
		const result = runCli(["start", "checklists/demo.yaml"]);
		expect(result.code).toBe(2);
		expect(result.stderr).toContain("needs a terminal");
		expect(result.stderr).toContain("rollout run <checklist> --answers <file>");
	});
});
