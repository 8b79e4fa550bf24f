import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
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

describe("the HTML record in a real browser", () => {
	it("shows the decision, every step and a rendered chart, with no request leaving the page", async () => {
		const { file, id } = exportHtml();
		const browser = await chromium.launch({
			executablePath: "/usr/bin/chromium",
			args: [
				"--no-sandbox",
				"--disable-gpu",
				"--disable-background-networking",
				"--disable-component-update",
				"--no-first-run",
			],
		});
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
