import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readConfig, saveSetting } from "../../source/cli/config-store.js";
import type { SessionSummary } from "../../source/session/inspect.js";
import { Home, type HomeChoice } from "../../source/ui/home.js";
import { colorOf } from "../../source/ui/theme.js";
import { KEY, renderScreen, waitUntil } from "../helpers/render.js";
import { tempDir } from "../helpers/temp.js";

const session = (id: string, status: SessionSummary["status"], done: number): SessionSummary => ({
	id,
	title: "Sandbox rollout",
	checklistId: "sandbox",
	status,
	done,
	total: 9,
	operator: "Dana Ops",
	startedAt: "2026-11-23T08:00:00.000Z",
	lastActivityAt: "2026-11-23T08:10:00.000Z",
	dryRun: false,
});

describe("the home screen", () => {
	it("offers unfinished sessions to resume, checklists to start, the demo, finished sessions to export", async () => {
		const checklists = tempDir();
		writeFileSync(join(checklists, "payments.yaml"), "");
		writeFileSync(join(checklists, "notes.txt"), "");
		mkdirSync(join(checklists, "answers"));
		let chosen: HomeChoice | undefined;
		const screen = await renderScreen(
			<Home
				sessions={[session("20261123-a", "in progress", 4), session("20261122-b", "GO", 9)]}
				checklistsDir={checklists}
				onChoose={(choice) => {
					chosen = choice;
				}}
			/>,
		);
		const frame = screen.frame();
		expect(frame).toContain("1 unfinished, 1 finished session(s); 1 checklist(s) in ./checklists");
		expect(frame).toContain("resume  Sandbox rollout — 4/9 steps, Dana Ops (20261123-a)");
		expect(frame).toMatch(/start {3}.*payments\.yaml/);
		expect(frame).not.toContain("notes.txt");
		expect(frame).toContain("start   the demo");
		expect(frame).toContain("export  Sandbox rollout — GO (20261122-b)");
		await screen.press(KEY.down);
		screen.stdin.write(KEY.enter);
		await waitUntil(() => chosen !== undefined, "a choice");
		expect(chosen).toEqual({ action: "start", file: join(checklists, "payments.yaml") });
	});
});

describe("the operator's name", () => {
	it("is remembered in the config file, next to the other settings", () => {
		const dir = tempDir();
		process.env.ROLLOUT_CONFIG_DIR = dir;
		try {
			writeFileSync(join(dir, "config.json"), JSON.stringify({ color: false }));
			saveSetting("operator", "Dana Ops");
			expect(readConfig()).toEqual({ operator: "Dana Ops", color: false, sessionsDir: undefined });
			expect(JSON.parse(readFileSync(join(dir, "config.json"), "utf8"))).toEqual({
				color: false,
				operator: "Dana Ops",
			});
		} finally {
			delete process.env.ROLLOUT_CONFIG_DIR;
		}
	});
});

describe("colours", () => {
	it("are none under NO_COLOR", () => {
		const saved = process.env.NO_COLOR;
		try {
			process.env.NO_COLOR = "1";
			expect(colorOf("bad")).toBeUndefined();
			delete process.env.NO_COLOR;
			expect(colorOf("bad")).toBe("red");
		} finally {
			process.env.NO_COLOR = saved;
		}
	});
});
