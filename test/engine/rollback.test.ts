import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadAnswers } from "../../source/engine/answers.js";
import { Engine } from "../../source/engine/engine.js";
import { runUnattended } from "../../source/engine/unattended.js";
import { describeAction } from "../../source/report/rollback-plan.js";
import { verifySession } from "../../source/session/inspect.js";
import { readManifest } from "../../source/session/manifest.js";
import { listingStatus } from "../../source/session/rules.js";
import { ANSWERS, CONFIG, makeSandbox, SANDBOX_CHECKLIST } from "../helpers/sandbox.js";
import { tempDir } from "../helpers/temp.js";

async function rolledOut() {
	const { app, sessions } = makeSandbox();
	const engine = await Engine.start({
		checklistPath: SANDBOX_CHECKLIST,
		vars: { app },
		operator: "Dana",
		sessionsDir: sessions,
	});
	const answers = join(tempDir(), "answers.yaml");
	writeFileSync(answers, ANSWERS);
	await runUnattended(engine, loadAnswers(answers), {
		signal: new AbortController().signal,
		report: () => {},
	});
	await engine.close();
	return { app, sessions, id: engine.id };
}

async function rollback(sessions: string, id: string) {
	const engine = await Engine.resume({ sessionsDir: sessions, id, checkChecklist: false });
	const lines: string[] = [];
	const result = await engine.rollback({
		report: (action, outcome) =>
			lines.push(
				`${describeAction(action)} — ${outcome.status}${outcome.detail ? `: ${outcome.detail}` : ""}`,
			),
	});
	await engine.close();
	return { result, lines, state: engine.state };
}

describe("the rollback plan and rollout rollback", () => {
	it("is derived from what happened: flag revert, restore, rollback steps, verification", async () => {
		const { app, sessions, id } = await rolledOut();
		const engine = await Engine.resume({ sessionsDir: sessions, id, checkChecklist: false });
		const plan = engine.rollbackPlan();
		await engine.close();
		const [backup] = readManifest(engine.dir);
		expect(plan.actions.map(describeAction)).toEqual([
			`revert features.coordinator in ${app}/config.yaml: true → false`,
			`restore ${app}/config.yaml from ${backup?.backup} (sha256 ${backup?.sha256?.slice(0, 12)}…)`,
			"run restart: Restart the service",
			"verify flag-off: The flag is off again",
		]);
		expect(plan.triggers).toEqual(["Unit tests fail after the flag is on", "Error rate above 1 %"]);
	});

	it("restores the config byte for byte, records every action, and is safe to run twice", async () => {
		const { app, sessions, id } = await rolledOut();
		const first = await rollback(sessions, id);
		expect(first.result).toEqual({ ok: true });
		expect(first.lines.map((line) => line.replace(/ — .*/, (tail) => tail.split(":")[0] ?? ""))).toEqual([
			`revert features.coordinator in ${app}/config.yaml: true → false — done`,
			expect.stringMatching(/^restore .* — already$/),
			"run restart: Restart the service — done",
			"verify flag-off: The flag is off again — done",
		]);
		expect(readFileSync(join(app, "config.yaml"), "utf8")).toBe(CONFIG);
		expect(listingStatus(first.state)).toBe("rolled back");
		const second = await rollback(sessions, id);
		expect(second.result.ok).toBe(true);
		expect(second.lines.slice(0, 2).map((line) => /— (\w+)/.exec(line)?.[1])).toEqual(["already", "already"]);
		expect(readFileSync(join(app, "restarts.log"), "utf8")).toBe("restarted\nrestarted\n");
		expect(second.state.rollbacks).toHaveLength(2);
		expect(verifySession(join(sessions, id)).ok).toBe(true);
	});

	it("refuses to revert a flag someone changed after the rollout, naming the value it found", async () => {
		const { app, sessions, id } = await rolledOut();
		writeFileSync(join(app, "config.yaml"), CONFIG.replace("coordinator: false", "coordinator: maybe"));
		const { result, lines } = await rollback(sessions, id);
		expect(lines[0]).toMatch(
			/features\.coordinator is now "maybe", not the true the rollout wrote: left as it is$/,
		);
		expect(result).toEqual({
			ok: false,
			failedAction: `revert features.coordinator in ${app}/config.yaml: true → false`,
		});
	});

	it("refuses to restore from a backup whose checksum no longer matches", async () => {
		const { sessions, id } = await rolledOut();
		const dir = join(sessions, id);
		const [backup] = readManifest(dir);
		writeFileSync(join(dir, backup?.backup ?? ""), "tampered\n");
		const { result, lines, state } = await rollback(sessions, id);
		expect(lines[1]).toMatch(/does not match its checksum: refusing to restore from it$/);
		expect(result.ok).toBe(false);
		expect(listingStatus(state)).toBe("rollback failed");
	});
});
