import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Engine } from "../../source/engine/engine.js";
import { readLog } from "../../source/session/log.js";
import { listingStatus } from "../../source/session/rules.js";
import { BINDINGS } from "../../source/ui/key-bindings.js";
import { Wizard } from "../../source/ui/wizard.js";
import { KEY, renderScreen, waitUntil } from "../helpers/render.js";
import { CONFIG, makeSandbox } from "../helpers/sandbox.js";

const CHECKLIST = "test/fixtures/ui/wizard.yaml";
const open: Engine[] = [];
afterEach(async () => {
	for (const engine of open.splice(0)) await engine.close().catch(() => {});
});

interface Options {
	readonly errorRate?: string;
	readonly failing?: boolean;
	readonly delay?: number;
	readonly dryRun?: boolean;
	/** Passing steps run on their own. */
	readonly auto?: boolean;
	/** Steps done through the engine before the wizard opens, so a test starts where it needs to. */
	readonly before?: (engine: Engine) => Promise<void>;
}

async function openWizard(options: Options = {}) {
	const { app, sessions } = makeSandbox();
	writeFileSync(join(app, "error-rate"), `${options.errorRate ?? "0.2"}\n`);
	if (options.failing) writeFileSync(join(app, "failing"), "");
	if (options.delay) writeFileSync(join(app, "delay"), String(options.delay));
	const engine = await Engine.start({
		checklistPath: CHECKLIST,
		vars: { app },
		operator: "Dana Ops",
		sessionsDir: sessions,
		dryRun: options.dryRun,
	});
	open.push(engine);
	await options.before?.(engine);
	const listeners = new Set<(signal: NodeJS.Signals) => void>();
	let exitCode: number | undefined;
	const screen = await renderScreen(
		<Wizard
			engine={engine}
			// One step at a time, so each step's own result screen can be checked; the flow has its own tests.
			flow={{ auto: options.auto ?? false }}
			signals={{
				subscribe(listener) {
					listeners.add(listener);
					return () => listeners.delete(listener);
				},
			}}
			onExit={(code) => {
				exitCode = code;
			}}
		/>,
	);
	return {
		screen,
		engine,
		app,
		exitCode: () => exitCode,
		signal: (name: NodeJS.Signals) => {
			for (const listener of listeners) listener(name);
		},
		events: () => readLog(join(engine.dir, "events.jsonl")).records.map((record) => record.type),
	};
}

/** Everything up to the decision, done through the engine. */
async function upToDecision(engine: Engine, smoke: "pass" | "fail" = "pass") {
	for (const id of ["backup", "unit-tests", "enable-flag"]) await engine.run(id);
	engine.answer("smoke", smoke, smoke === "fail" ? "the page hung" : undefined);
	await engine.run("error-rate");
}

describe("the frame", () => {
	it("shows the checklist, session, operator, phases with progress and the keys that work", async () => {
		const { screen, engine } = await openWizard({ before: (e) => e.run("backup").then(() => {}) });
		const frame = screen.frame();
		expect(frame).toContain("Wizard rollout v2.1");
		expect(frame).toMatch(/step 2 of 7 · \d+ms spent · left: ≤ [\d.]+s automated, 4 by hand\nDana Ops · /);
		expect(frame).toContain(engine.id);
		expect(frame).toMatch(/▸ Prepare\s+█+·+ 1\/2/);
		expect(frame).toMatch(/Go \/ No-Go\s+·+ 0\/2/);
		expect(frame).toContain("Unit tests\ncommand · critical · Prepare");
		expect(frame).toContain("Enter run · s skip · h help · m run on · r review · ? keys · q quit");
		expect(frame).not.toContain("DRY RUN");
	});

	it("says DRY RUN, and a dry run changes nothing", async () => {
		const { screen, app } = await openWizard({ dryRun: true });
		expect(screen.frame()).toContain("DRY RUN");
		await screen.press(KEY.enter);
		await screen.waitFor("dry run: would back up 1 path(s)");
		expect(existsSync(join(app, "config.yaml"))).toBe(true);
	});

	it("? lists every key binding, and closes again", async () => {
		const { screen } = await openWizard();
		await screen.press("?");
		expect(screen.frame()).toContain("Keys");
		for (const binding of Object.values(BINDINGS)) expect(screen.frame()).toContain(binding.description);
		expect(screen.frame().split("\n").length).toBeLessThanOrEqual(23);
		await screen.press("?");
		expect(screen.frame()).not.toContain("review earlier steps");
	});

	it("h shows the step's help text", async () => {
		const { screen } = await openWizard({ before: (e) => e.run("backup").then(() => {}) });
		await screen.press("h");
		expect(screen.frame()).toContain("The suite of the service, with its pass rate checked.");
	});
});

describe("the flow", () => {
	it("runs passing automated steps one after another and stops where a person is needed; m switches to one at a time", async () => {
		const { screen, engine } = await openWizard({ auto: true });
		await screen.press(KEY.enter);
		await screen.waitFor("Apply this change? (y to apply)");
		expect(screen.frame()).toContain("✓ Back up the configuration passed");
		expect(screen.frame()).toContain("✓ Unit tests passed");
		expect(screen.frame()).toContain("m one at a time");
		await screen.press("m");
		expect(screen.frame()).toContain("one step at a time: Enter runs each");
		await screen.press("y");
		await screen.waitFor("✓ passed");
		// One at a time: the result waits for Enter before the next step.
		expect(screen.frame()).toContain("Enter go on");
		expect(engine.state.results.smoke?.status).toBe("pending");
	});
});

describe("backup", () => {
	it("lists the paths before, and each file with size and checksum after", async () => {
		const { screen, engine, app } = await openWizard();
		expect(screen.frame()).toContain(`${join(app, "config.yaml")} ${Buffer.byteLength(CONFIG)} bytes`);
		await screen.press(KEY.enter);
		await screen.waitFor("✓ passed");
		const copy = join(engine.dir, "backups", "backup", "1", "0-config.yaml");
		expect(readFileSync(copy, "utf8")).toBe(CONFIG);
		expect(screen.frame()).toMatch(/config\.yaml {2}\d+ bytes {2}sha256 [0-9a-f]{12}/);
	});
});

describe("command", () => {
	it("shows the exact command, then exit code, duration, figures against thresholds and the log", async () => {
		const { screen, engine } = await openWizard({ before: (e) => e.run("backup").then(() => {}) });
		expect(screen.frame()).toMatch(/\$ for i in 1 2 3; do echo line/);
		expect(screen.frame()).toContain("expects pass_rate >= 95");
		await screen.press(KEY.enter);
		await screen.waitFor("✓ passed");
		const log = join(engine.dir, "logs", "unit-tests.log");
		expect(screen.frame()).toMatch(/exit 0 · \d/);
		expect(screen.frame()).toContain("✓ pass_rate 100 (>= 95)");
		expect(screen.frame()).toContain(`log: ${log}`);
		expect(readFileSync(log, "utf8")).toContain("line 3");
	});

	it("streams output live with a spinner and the elapsed time", async () => {
		const { screen } = await openWizard({ delay: 2, before: (e) => e.run("backup").then(() => {}) });
		await screen.press(KEY.enter);
		await screen.waitFor("line 3");
		expect(screen.frame()).toMatch(/running · \d/);
		expect(screen.frame()).toContain("Ctrl+C stop");
		await screen.waitFor("✓ passed", 15_000);
	});
});

describe("flag", () => {
	it("shows the diff before writing, and writes only on y", async () => {
		const { screen, app } = await openWizard({
			before: async (e) => {
				await e.run("backup");
				await e.run("unit-tests");
			},
		});
		const file = join(app, "config.yaml");
		expect(screen.frame()).toContain("-  coordinator: false  # flipped by the rollout");
		expect(screen.frame()).toContain("+  coordinator: true  # flipped by the rollout");
		expect(screen.frame()).toContain("Apply this change? (y to apply)");
		// Keys are taken in order: once the help shows, Enter has been handled.
		screen.stdin.write(KEY.enter);
		await screen.press("?");
		expect(readFileSync(file, "utf8")).toBe(CONFIG);
		await screen.press("?");
		await screen.press("y");
		await screen.waitFor("✓ passed");
		expect(readFileSync(file, "utf8")).toBe(CONFIG.replace("coordinator: false", "coordinator: true"));
	});
});

describe("prompt", () => {
	const upToSmoke = async (engine: Engine) => {
		for (const id of ["backup", "unit-tests", "enable-flag"]) await engine.run(id);
	};

	it("shows the instructions, answers in one key (p / f / s), then asks for notes", async () => {
		const { screen, engine } = await openWizard({ before: upToSmoke });
		expect(screen.frame()).toContain("Open the service page and place an order.");
		expect(screen.frame()).toContain("p pass   f fail   s skip");
		// No default answer: holding Enter answers nothing.
		screen.stdin.write(KEY.enter);
		await new Promise((resolve) => setTimeout(resolve, 100));
		expect(engine.state.results.smoke?.status).toBe("pending");
		await screen.press("f");
		expect(screen.frame()).toContain("What went wrong? (required)");
		// Esc goes back from the notes to the choice.
		await screen.press(KEY.escape);
		expect(screen.frame()).toContain("p pass   f fail   s skip");
		await screen.press("f");
		await screen.type("the page hung");
		await screen.press(KEY.enter);
		await screen.waitFor("✗ failed — the page hung");
		expect(engine.state.results.smoke).toMatchObject({ status: "failed", notes: "the page hung" });
	});

	it("records a pass with optional notes left empty", async () => {
		const { screen, engine } = await openWizard({ before: upToSmoke });
		await screen.press("p");
		expect(screen.frame()).toContain("Notes (optional, Enter to go on):");
		await screen.press(KEY.enter);
		await screen.waitFor("✓ passed");
		expect(engine.state.results.smoke?.status).toBe("passed");
	});
});

describe("monitor", () => {
	const upToMonitor = async (engine: Engine) => {
		for (const id of ["backup", "unit-tests", "enable-flag"]) await engine.run(id);
		engine.answer("smoke", "pass");
	};

	it("shows readings with a sparkline and the bands; a warning offers go on or roll back", async () => {
		const { screen } = await openWizard({ errorRate: "0.7", before: upToMonitor });
		expect(screen.frame()).toContain("2 readings · warn > 0.5, critical > 1 · on critical: rollback");
		await screen.press(KEY.enter);
		await screen.waitFor("The monitor warned");
		expect(screen.frame()).toMatch(/readings 2\/2 {2}[▁-█]{2} {2}warn > 0\.5, critical > 1/);
		expect(screen.frame()).toContain("0.7 0.7");
		expect(screen.frame()).toContain("Enter go on · b roll back");
		await screen.press("b");
		expect(screen.frame()).toContain("Carry out the rollback now? (y/n)");
		await screen.press("n");
		expect(screen.frame()).toContain("The monitor warned");
	});

	it("a critical breach calls for a rollback, which restores the config when confirmed", async () => {
		const { screen, engine, app } = await openWizard({ errorRate: "2", before: upToMonitor });
		await screen.press(KEY.enter);
		await screen.waitFor("The monitor calls for a rollback");
		await screen.press("b");
		expect(screen.frame()).toContain("revert features.coordinator");
		await screen.press("y");
		await screen.waitFor("rolled back");
		expect(readFileSync(join(app, "config.yaml"), "utf8")).toBe(CONFIG);
		expect(readFileSync(join(app, "restarts.log"), "utf8")).toBe("restarted\n");
		expect(listingStatus(engine.state)).toBe("rolled back");
	});
});

describe("decision", () => {
	it("shows the outcome with every reason; confirming records it", async () => {
		const { screen, engine } = await openWizard({ before: (e) => upToDecision(e) });
		expect(screen.frame()).toContain("The rules say: GO");
		expect(screen.frame()).toContain("critical step(s) passed");
		expect(screen.frame()).toMatch(
			/❯ Confirm GO\s+GO WITH CONDITIONS \(write the conditions\)\s+Change to NO-GO/,
		);
		await screen.press(KEY.enter);
		await screen.waitFor("✓ passed — GO");
		expect(engine.state.decision?.outcome).toBe("GO");
	});

	it("may be downgraded", async () => {
		const { screen, engine } = await openWizard({ before: (e) => upToDecision(e) });
		await screen.press(KEY.down);
		await screen.press(KEY.down);
		await screen.press(KEY.enter);
		await screen.waitFor("NO-GO");
		expect(engine.state.decision?.outcome).toBe("NO-GO");
		expect(engine.state.decision?.reasons.at(-1)).toBe("Dana Ops chose NO-GO");
	});

	it("goes ahead against a NO-GO only as GO WITH CONDITIONS, with the conditions written", async () => {
		const { screen, engine } = await openWizard({ before: (e) => upToDecision(e, "fail") });
		expect(screen.frame()).toContain("The rules say: NO-GO");
		expect(screen.frame()).not.toContain("Change to GO\n");
		await screen.press(KEY.down);
		await screen.press(KEY.enter);
		expect(screen.frame()).toContain("Condition 1:");
		await screen.press(KEY.enter);
		expect(screen.frame()).toContain("This cannot be empty.");
		await screen.type("watch orders for an hour");
		await screen.press(KEY.enter);
		await screen.press(KEY.enter);
		await screen.waitFor("GO WITH CONDITIONS");
		expect(engine.state.decision).toMatchObject({
			outcome: "GO WITH CONDITIONS",
			conditions: ["watch orders for an hour"],
		});
	});
});

describe("signoff", () => {
	it("asks each role for a name, approve or reject, and a comment; a rejection fails the step", async () => {
		const { screen, engine } = await openWizard({
			before: async (e) => {
				await upToDecision(e);
				e.decide("decision");
			},
		});
		expect(screen.frame()).toContain("Tech Lead (1 of 2)");
		await screen.type("Alice Lead");
		await screen.press(KEY.enter);
		expect(screen.frame()).toContain("Does Alice Lead approve? y approve   n reject");
		await screen.press("y");
		await screen.type("ship it");
		await screen.press(KEY.enter);
		expect(screen.frame()).toContain("✓ Tech Lead: Alice Lead approves — ship it");
		expect(screen.frame()).toContain("QA Lead (2 of 2)");
		await screen.type("Quinn QA");
		await screen.press(KEY.enter);
		await screen.press("n");
		expect(screen.frame()).toContain("Why reject? (required):");
		await screen.type("logs not clean");
		await screen.press(KEY.enter);
		await screen.waitFor("rejected by QA Lead");
		expect(engine.state.approvals.map(({ role, name, decision }) => [role, name, decision])).toEqual([
			["Tech Lead", "Alice Lead", "approve"],
			["QA Lead", "Quinn QA", "reject"],
		]);
		expect(existsSync(join(engine.dir, "signoff.md"))).toBe(true);
	});
});

describe("a failed critical step", () => {
	const failed = async (options: Options = {}) => {
		const opened = await openWizard({
			failing: true,
			before: (e) => e.run("backup").then(() => {}),
			...options,
		});
		await opened.screen.press(KEY.enter);
		await opened.screen.waitFor("This critical step failed");
		return opened;
	};

	it("offers retry, override with a reason, or abort and roll back — and nothing else goes on", async () => {
		const { screen } = await failed();
		expect(screen.frame()).toContain("t retry · o override · b abort & roll back");
		screen.stdin.write(KEY.enter);
		await screen.press("?");
		await screen.press("?");
		expect(screen.frame()).toContain("This critical step failed");
	});

	it("retry runs it again as a second attempt", async () => {
		const { screen, engine, app } = await failed();
		await screen.press("t");
		expect(screen.frame()).toContain("done 1× before");
		const { rmSync } = await import("node:fs");
		rmSync(join(app, "failing"));
		await screen.press(KEY.enter);
		await screen.waitFor("✓ passed");
		expect(engine.state.results["unit-tests"]).toMatchObject({ status: "passed", attempts: 2 });
	});

	it("override needs a written reason and goes on to the next step", async () => {
		const { screen, engine } = await failed();
		await screen.press("o");
		expect(screen.frame()).toContain("Why go on despite the failure?");
		await screen.type("known flaky test, ticket OPS-12");
		await screen.press(KEY.enter);
		await screen.waitFor("Turn the coordinator on");
		expect(engine.state.results["unit-tests"]?.override).toBe("known flaky test, ticket OPS-12");
	});

	it("abort and roll back carries out the plan after one confirmation; declining leaves the step failed", async () => {
		const { screen, engine } = await failed();
		await screen.press("b");
		expect(screen.frame()).toContain("Carry out the rollback now? (y/n)");
		await screen.press("n");
		expect(screen.frame()).toContain("This critical step failed");
		expect(engine.blocks("unit-tests")).toBe(true);
		await screen.press("b");
		await screen.press("y");
		await screen.waitFor("rolled back");
		expect(screen.frame()).toContain("✓ run restart: Restart the service — done");
		await screen.press(KEY.enter);
		expect(screen.frame()).toContain("Session ended: rolled back");
		expect(engine.state.rollbacks).toHaveLength(1);
		expect(engine.state.rollbacks[0]?.ok).toBe(true);
	});
});

describe("anywhere", () => {
	it("text fields take Ctrl+W and Ctrl+U as editing keys, never as text", async () => {
		const { screen, engine } = await openWizard();
		await screen.press("s");
		await screen.type("nightly backup job");
		screen.stdin.write("\u0017");
		await waitUntil(() => !screen.frame().includes("job"), "Ctrl+W to delete the last word");
		expect(screen.frame()).toContain("Why skip this step? nightly backup");
		screen.stdin.write("\u0015");
		await waitUntil(() => !screen.frame().includes("nightly"), "Ctrl+U to clear the field");
		await screen.type("covered by the nightly job");
		await screen.press(KEY.enter);
		await screen.waitFor("Unit tests\ncommand");
		expect(engine.state.results.backup?.reason).toBe("covered by the nightly job");
	});

	it("a reason and its Enter arriving in one chunk (pasted, typed fast) are the reason, then Enter", async () => {
		const { screen, engine } = await openWizard();
		await screen.press("s");
		expect(screen.frame()).toContain("Why skip this step?");
		screen.stdin.write("covered by the nightly job\r");
		await screen.waitFor("Unit tests\ncommand");
		expect(engine.state.results.backup?.status).toBe("skipped");
		expect(engine.state.results.backup?.reason).toBe("covered by the nightly job");
	});

	it("Ctrl+U, a new reason and Enter in one chunk clear the field, type the reason and submit it", async () => {
		const { screen, engine } = await openWizard();
		await screen.press("s");
		await screen.type("wrong");
		screen.stdin.write("\u0015covered by the nightly job\r");
		await screen.waitFor("Unit tests\ncommand");
		expect(engine.state.results.backup?.reason).toBe("covered by the nightly job");
	});

	it("skips a step only with a written reason", async () => {
		const { screen, engine } = await openWizard();
		await screen.press("s");
		expect(screen.frame()).toContain("Why skip this step?");
		await screen.press(KEY.enter);
		expect(screen.frame()).toContain("This cannot be empty.");
		await screen.type("backed up by the nightly job");
		await screen.press(KEY.enter);
		await screen.waitFor("Unit tests\ncommand");
		expect(engine.state.results.backup).toMatchObject({
			status: "skipped",
			reason: "backed up by the nightly job",
		});
	});

	it("reviews earlier steps read-only and runs one again", async () => {
		const { screen, engine } = await openWizard({
			before: async (e) => {
				await e.run("backup");
				await e.run("unit-tests");
			},
		});
		await screen.press("r");
		expect(screen.frame()).toContain("Review (read-only)");
		expect(screen.frame()).toMatch(/✓ unit-tests\s+passed/);
		expect(screen.frame()).toMatch(/› ✓ unit-tests/);
		await screen.press(KEY.up);
		await screen.press(KEY.down);
		await screen.press(KEY.enter);
		expect(screen.frame()).toContain("exit 0");
		await screen.press("a");
		expect(screen.frame()).toContain("Unit tests\ncommand · critical · done 1× before · Prepare");
		await screen.press(KEY.enter);
		await screen.waitFor("✓ passed");
		expect(engine.state.results["unit-tests"]?.attempts).toBe(2);
		await screen.press(KEY.enter);
		await screen.waitFor("Turn the coordinator on");
	});

	it("groups the review by phase; g jumps to a phase, / finds a step, l pages through its whole log", async () => {
		const { screen } = await openWizard({
			before: async (e) => {
				await e.run("backup");
				await e.run("unit-tests");
			},
		});
		await screen.press("r");
		expect(screen.frame()).toMatch(/Prepare\n.*backup/);
		expect(screen.frame()).toContain("Go / No-Go");
		await screen.press("g");
		expect(screen.frame()).toContain("Jump to a phase:");
		await screen.press(KEY.down);
		await screen.press(KEY.enter);
		expect(screen.frame()).toMatch(/› · enable-flag/);
		await screen.press("/");
		await screen.type("unit");
		await screen.press(KEY.enter);
		// The search field has given the keyboard back when the footer offers the review's keys again.
		await screen.waitFor("l log");
		expect(screen.frame()).toMatch(/› ✓ unit-tests/);
		await screen.press("l");
		await screen.waitFor("lines 1–");
		expect(screen.frame()).toMatch(/lines 1–\d+ of \d+ · \S+\/logs\/unit-tests/);
		expect(screen.frame()).toContain("line 1");
		await screen.press(KEY.escape);
		expect(screen.frame()).toContain("Review (read-only)");
	});

	it("Esc leaves the review where it was", async () => {
		const { screen } = await openWizard();
		await screen.press("r");
		await screen.press(KEY.escape);
		expect(screen.frame()).toContain("Back up the configuration\nbackup");
	});
});

/**
 * Enter starts the unit tests (directly or through the flow); Ctrl+C once they print: they are
 * stopped within seconds, recorded as cut off, and the wizard asks whether to quit.
 */
async function interruptUnitTests(screen: Awaited<ReturnType<typeof openWizard>>["screen"]) {
	await screen.press(KEY.enter);
	await screen.waitFor("line 3");
	const started = Date.now();
	await screen.press(KEY.ctrlC);
	await screen.waitFor("Quit now? (y/n)");
	expect(Date.now() - started).toBeLessThan(10_000);
	expect(screen.frame()).toContain("unit-tests was interrupted; it runs again from its start.");
}

describe("interruption", () => {
	it("Ctrl+C during a command kills it, records it interrupted and asks whether to quit", async () => {
		const { screen, engine, exitCode, events } = await openWizard({
			delay: 30,
			before: (e) => e.run("backup").then(() => {}),
		});
		await interruptUnitTests(screen);
		expect(screen.frame()).toContain(`rollout resume ${engine.id}`);
		expect(events()).toContain("step.interrupted");
		await screen.press("n");
		expect(screen.frame()).toContain("Unit tests\ncommand");
		await screen.press(KEY.ctrlC);
		screen.stdin.write("y");
		await waitUntil(() => exitCode() !== undefined, "the wizard to end");
		expect(exitCode()).toBe(130);
	});

	it("Ctrl+C stops a command the flow started after the step before it", async () => {
		const { screen, engine, events } = await openWizard({ delay: 30, auto: true });
		// Enter runs the backup; it passes, and the flow starts the unit tests from its result.
		await interruptUnitTests(screen);
		expect(events()).toContain("step.interrupted");
		expect(engine.state.results["unit-tests"]?.status).toBe("interrupted");
	});

	it("a second Ctrl+C quits at once", async () => {
		const { screen, exitCode, engine } = await openWizard({
			delay: 30,
			before: (e) => e.run("backup").then(() => {}),
		});
		await screen.press(KEY.enter);
		await screen.waitFor("line 3");
		screen.stdin.write(KEY.ctrlC);
		screen.stdin.write(KEY.ctrlC);
		await waitUntil(() => exitCode() !== undefined, "the wizard to end");
		expect(exitCode()).toBe(130);
		expect(engine.state.results["unit-tests"]?.status).toBe("interrupted");
	});

	it("SIGTERM stops the command and quits without asking", async () => {
		const { screen, exitCode, engine, signal } = await openWizard({
			delay: 30,
			before: (e) => e.run("backup").then(() => {}),
		});
		await screen.press(KEY.enter);
		await screen.waitFor("line 3");
		signal("SIGTERM");
		await waitUntil(() => exitCode() !== undefined, "the wizard to end");
		expect(exitCode()).toBe(130);
		expect(engine.state.results["unit-tests"]?.status).toBe("interrupted");
		expect(screen.frame()).not.toContain("Quit now?");
	});

	it("q asks, and n stays where it was", async () => {
		const { screen, exitCode } = await openWizard();
		await screen.press("q");
		expect(screen.frame()).toContain("The session is saved.");
		await screen.press("n");
		expect(screen.frame()).toContain("Back up the configuration\nbackup");
		await screen.press("q");
		screen.stdin.write("y");
		await waitUntil(() => exitCode() !== undefined, "the wizard to end");
		expect(exitCode()).toBe(0);
	});
});

describe("the end", () => {
	const signedOff = async (engine: Engine) => {
		await upToDecision(engine);
		engine.decide("decision");
		engine.signoff("approvals", [
			{ role: "Tech Lead", name: "Alice Lead", decision: "approve" },
			{ role: "QA Lead", name: "Quinn QA", decision: "approve" },
		]);
	};

	it("shows the decision and approvals; exports, shows the plan, and starts a follow-up", async () => {
		const { screen, engine } = await openWizard({ before: signedOff });
		expect(screen.frame()).toContain("Session ended: GO");
		expect(screen.frame()).toContain("✓ QA Lead: Quinn QA");
		expect(screen.frame()).toContain(
			"e export · p plan · b roll back · f follow-up · r review · ? keys · q quit",
		);
		await screen.press("e");
		await screen.press(KEY.down);
		await screen.press(KEY.enter);
		await screen.waitFor(`wrote ${join(engine.dir, "report.html")}`);
		expect(readFileSync(join(engine.dir, "report.html"), "utf8")).toContain("<html");
		await screen.press("p");
		expect(screen.frame()).toMatch(/Rollback plan \(\d+ actions\)/);
		expect(screen.frame()).toContain("revert features.coordinator");
		await screen.press(KEY.escape);
		await screen.press("f");
		await screen.press(KEY.enter);
		await screen.waitFor("Error logs reviewed\nprompt · Day 1 checks");
		expect(engine.state.followups.map((item) => item.id)).toEqual(["day-1"]);
	});
});
