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

		// Before the session starts: what it will change and back up, then Enter starts it.
		let screen = await first.waitFor("A real run: Enter starts it.");
		expect(screen).toContain("Demo — enable the new checkout v1.0");
		expect(screen).toContain("new_checkout → true");
		expect(screen.split("\n").length).toBeLessThanOrEqual(25);
		// The passing automated steps run on their own; the flag change waits for a yes.
		screen = await first.send("Enter", "Apply this change? (y to apply)");
		expect(screen).toContain("Terry Tmux");
		expect(screen).toMatch(/✓ Prepare\s+█+ 3\/3/);
		expect(screen).toContain("-  new_checkout: false   # the rollout turns this on");
		expect(screen).toContain("+  new_checkout: true   # the rollout turns this on");
		await first.send("y", "Did the order go through?");
		await first.send("p", "Notes (optional, Enter to go on):");
		await first.send("order 1042 went through", "order 1042 went through", { literal: true });
		await first.send("Enter", "readings 1/3");
		screen = await first.send("C-c", "Quit now? (y/n)");
		expect(screen).toContain("error-rate was interrupted");
		screen = await first.send("y", "EXIT=130");
		const [id] = readdirSync(sessions).filter((name) => name.includes("demo"));
		expect(screen.replaceAll("\n", "")).toContain(`resume with: rollout resume ${id}`);

		const second = Terminal.open(["node", BIN, "resume", "--sessions-dir", sessions], { cwd: ROOT, env });
		screen = await second.waitFor("Press Enter to run it.");
		expect(screen).toContain("Checkout error rate (%)\nmonitor · critical · cut off 1× before · Monitoring");
		expect(screen).toMatch(/✓ Enable\s+█+ 2\/2/);
		await second.send("Enter", "The rules say: GO");
		await second.send("Enter", "Tech Lead (1 of 2)");
		for (const [role, name, next] of [
			["Tech Lead", "Grace Hopper", "QA Lead (2 of 2)"],
			["QA Lead", "Alan Turing", "Session ended: GO"],
		] as const) {
			await second.waitFor(`${role} (`);
			await second.send(name, name, { literal: true });
			await second.send("Enter", `Does ${name} approve?`);
			await second.send("y", "Comment (optional):");
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

	it("runs a dozen passing commands on its own and stops at the prompt: two keys after the command line", async () => {
		const config = tempDir("rollout-config-");
		const sessions = tempDir("rollout-sessions-");
		writeFileSync(join(config, "config.json"), JSON.stringify({ operator: "Terry Tmux" }));
		const env = { ROLLOUT_CONFIG_DIR: config, NO_COLOR: "1" };
		const terminal = Terminal.open(
			["node", BIN, "start", "test/fixtures/ui/flow.yaml", "--sessions-dir", sessions],
			{
				cwd: ROOT,
				env,
			},
		);
		await terminal.waitFor("A real run: Enter starts it.");
		terminal.keys("Enter");
		let screen = await terminal.waitFor("Does the home page load?");
		expect(screen).toContain("step 13 of 15");
		expect(screen).toContain("✓ Check 12 passed");
		expect(screen).toContain("p pass   f fail   s skip");
		terminal.keys("p");
		screen = await terminal.waitFor("Notes (optional, Enter to go on):");
		terminal.keys("Enter");
		// The failing check stops the flow on its result.
		screen = await terminal.waitFor("✗ failed — exit code 1, expected 0");
		const [id] = readdirSync(sessions);
		const events = readFileSync(join(sessions, id ?? "", "events.jsonl"), "utf8");
		expect(events.match(/"type":"step.finished"/g)).toHaveLength(14);
		terminal.keys("q");
		await terminal.waitFor("Quit now? (y/n)");
		terminal.keys("y");
		await terminal.waitFor("EXIT=0");
	}, 60_000);

	it("says what to do instead when there is no terminal", () => {
		const result = runCli(["start", "checklists/demo.yaml"]);
		expect(result.code).toBe(2);
		expect(result.stderr).toContain("needs a terminal");
		expect(result.stderr).toContain("rollout run <checklist> --answers <file>");
	});
});
