import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { ROOT, runCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/temp.js";

/** A session with a monitor, so the record has a chart, rendered by the built bin. */
function exportHtml(): { file: string; id: string } {
	const dir = tempDir();
	writeFileSync(
		join(dir, "watch.yaml"),
		`id: watch
title: Watch the error rate
phases:
  - id: checks
    title: Checks
    steps:
      - { id: tests, kind: command, title: Unit tests, run: "echo '3 passed in 0.1s'", expect: { parse: pytest } }
      - id: error-rate
        kind: monitor
        title: Error rate (%)
        source: { command: "echo 0.3" }
        samples: 3
        interval: 10ms
        warn: "> 0.5"
        critical: "> 1"
  - id: gate
    title: Go / No-Go
    steps:
      - { id: decision, kind: decision, title: Go / No-Go }
`,
	);
	writeFileSync(join(dir, "answers.yaml"), "answers: {}\n");
	const sessions = join(dir, "sessions");
	const run = runCli([
		"run",
		join(dir, "watch.yaml"),
		"--answers",
		join(dir, "answers.yaml"),
		"--sessions-dir",
		sessions,
	]);
	const id = /^session: (\S+)$/m.exec(run.stdout)?.[1] ?? "";
	const file = join(dir, "record.html");
	expect(runCli(["export", id, "--format", "html", "--out", file, "--sessions-dir", sessions]).code).toBe(0);
	return { file, id };
}

const BROWSER_ARGS = [
	"--no-sandbox",
	"--disable-gpu",
	"--disable-background-networking",
	"--disable-component-update",
	"--no-first-run",
];

/**
 * The longest shipped checklist walked as a dry run, every prompt answered yes and every
 * role approving: the record an auditor reads for hundreds of steps.
 */
function dryRunOfTheLongestChecklist(): { dir: string; sessions: string; id: string; phases: number } {
	const dir = tempDir("long-record-");
	const checklist = join(ROOT, "checklists", "coordinator-orchestrator-rollout.yaml");
	const definition = parse(readFileSync(checklist, "utf8")) as {
		phases: { steps: { id: string; kind: string; roles?: string[] }[] }[];
	};
	const answers: Record<string, unknown> = {};
	for (const step of definition.phases.flatMap((phase) => phase.steps)) {
		if (step.kind === "prompt") answers[step.id] = { result: "pass", notes: "checked by Dana" };
		if (step.kind === "signoff")
			answers[step.id] = (step.roles ?? []).map((role) => ({
				role,
				name: `${role} Person`,
				decision: "approve",
			}));
	}
	writeFileSync(join(dir, "answers.yaml"), stringify({ operator: "Dana Ops", answers }));
	mkdirSync(join(dir, "home"));
	writeFileSync(join(dir, "home", "profiles.yaml"), "use_coordinator_orchestrator: false\n");
	const sessions = join(dir, "sessions");
	const run = runCli([
		"run",
		checklist,
		"--dry-run",
		"--answers",
		join(dir, "answers.yaml"),
		"--var",
		`victor_home=${join(dir, "home")}`,
		"--sessions-dir",
		sessions,
	]);
	const id = /^session: (\S+)$/m.exec(run.stdout)?.[1] ?? "";
	expect(id, run.stderr).not.toBe("");
	return { dir, sessions, id, phases: definition.phases.length };
}

describe("the HTML record in a real browser", () => {
	it("keeps a dry run of a long checklist readable: a banner that stays in view, a timeline by phase, tables within the page", async () => {
		const { dir, sessions, id, phases } = dryRunOfTheLongestChecklist();
		const file = join(dir, "record.html");
		expect(runCli(["export", id, "--format", "html", "--out", file, "--sessions-dir", sessions]).code).toBe(
			0,
		);
		const markdown = runCli([
			"export",
			id,
			"--format",
			"md",
			"--out",
			"-",
			"--sessions-dir",
			sessions,
		]).stdout;
		expect(markdown).toMatch(/^# DRY RUN — Sign-off record: Coordinator Orchestrator Production Enablement/);
		expect(markdown).toContain("> **DRY RUN: nothing was changed and no command ran.**");
		const junit = runCli([
			"export",
			id,
			"--format",
			"junit",
			"--out",
			"-",
			"--sessions-dir",
			sessions,
		]).stdout;
		expect(junit).toContain('<testsuites name="DRY RUN — Coordinator Orchestrator Production Enablement"');
		const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: BROWSER_ARGS });
		try {
			for (const width of [1280, 900]) {
				const page = await browser.newPage({ viewport: { width, height: 900 } });
				await page.goto(pathToFileURL(file).href);
				expect(await page.title()).toMatch(/^DRY RUN — /);
				// Halfway down the steps the banner is still at the top of the window.
				await page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight / 2)");
				const banner = await page.locator(".dry").boundingBox();
				expect(banner?.y).toBeGreaterThanOrEqual(0);
				expect(banner?.y).toBeLessThan(20);
				expect(await page.locator(".dry").innerText()).toContain(
					"DRY RUN: nothing was changed and no command ran.",
				);
				// Nothing wider than the window: no sideways scrolling, every table within it.
				const widest = (await page.evaluate(`({
					page: document.documentElement.scrollWidth,
					table: Math.max(...[...document.querySelectorAll("table")].map((table) => table.getBoundingClientRect().right)),
				})`)) as { page: number; table: number };
				expect(widest.page).toBeLessThanOrEqual(width);
				expect(widest.table).toBeLessThanOrEqual(width);
				// One timeline row per phase, not one per step.
				const timeline = page.locator('svg[aria-label="Step timeline"]');
				expect(await timeline.locator(":scope > g").count()).toBe(phases);
				expect((await timeline.boundingBox())?.height).toBeLessThan(700);
				expect(await page.locator("section h3").first().innerText()).toMatch(
					/^Environment preparation environment · \d+ steps:/,
				);
				if (width === 1280) await page.screenshot({ path: join(dir, "record.png"), fullPage: true });
				await page.close();
			}
		} finally {
			await browser.close();
		}
	}, 120_000);

	it("shows the decision, every step and a rendered chart, with no request leaving the page", async () => {
		const { file, id } = exportHtml();
		const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: BROWSER_ARGS });
		try {
			const page = await browser.newPage();
			const requests: string[] = [];
			page.on("request", (request) => {
				if (!request.url().startsWith("file:")) requests.push(request.url());
			});
			await page.goto(pathToFileURL(file).href);
			expect(await page.locator("h2", { hasText: "Outcome" }).innerText()).toContain("GO");
			const body = await page.locator("body").innerText();
			expect(body).toContain(id);
			for (const step of ["tests", "error-rate", "decision"]) expect(body).toContain(step);
			const chart = page.locator('figure svg[aria-label^="error-rate: ok"]');
			const box = await chart.boundingBox();
			expect(box?.width).toBeGreaterThan(100);
			expect(await chart.locator("circle").count()).toBe(3);
			expect(await page.locator('svg[aria-label="Step timeline"] rect').count()).toBe(3);
			await page.screenshot({ path: file.replace(/\.html$/, ".png"), fullPage: true });
			expect(requests).toEqual([]);
		} finally {
			await browser.close();
		}
	}, 60_000);
});
