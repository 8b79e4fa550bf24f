import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { Engine } from "../../source/engine/engine.js";
import { buildReport } from "../../source/report/model.js";
import { readSessionData } from "../../source/report/session-data.js";
import { render } from "../../source/report/write.js";
import { createMasker } from "../../source/runner/mask.js";
import type { ProcessRunner } from "../../source/runner/run-command.js";
import { ROOT } from "../helpers/cli.js";
import { pytestOutput } from "../helpers/sandbox.js";
import { steppingClock } from "../helpers/session.js";
import { tempDir } from "../helpers/temp.js";

/** Scripted command output: an honest in-memory runner, so the record does not depend on this machine. */
const OUTPUTS: Record<string, { lines: string[]; exitCode: number }> = {
	"pytest tests/unit": { lines: pytestOutput(180, 20).trimEnd().split("\n"), exitCode: 1 },
	"ruff check .": { lines: ["Found 2 errors."], exitCode: 1 },
	"./error-rate.sh": { lines: ["0.42"], exitCode: 0 },
};

const scriptedRunner: ProcessRunner = {
	async run(spec, options) {
		const output = OUTPUTS[String(spec.run)] ?? { lines: [], exitCode: 127 };
		writeFileSync(options.logFile, `${output.lines.join("\n")}\n`, { flag: "a" });
		for (const line of output.lines) options.onStdoutLine?.(line);
		return {
			exitCode: output.exitCode,
			durationMs: 1500,
			timedOut: false,
			interrupted: false,
			tail: output.lines.slice(-20),
		};
	},
};

async function goldenSession(): Promise<{ dir: string; app: string; sessions: string }> {
	const app = tempDir("golden-app-");
	const sessions = tempDir("golden-sessions-");
	writeFileSync(join(app, "settings.json"), '{\n  "features": {\n    "fast": false\n  }\n}\n');
	const clock = steppingClock(Date.parse("2026-11-23T09:00:00Z"));
	const effects = {
		runner: scriptedRunner,
		http: async () => ({ status: 500, body: "" }),
		clock: { now: clock, sleep: async () => {} },
		mask: createMasker({}),
	};
	const first = await Engine.start({
		checklistPath: "test/fixtures/golden/release.yaml",
		vars: { app },
		operator: "Dana Ops",
		sessionsDir: sessions,
		baseDir: app,
		effects,
	});
	await first.run("backup");
	await first.run("unit-tests");
	first.override("unit-tests", "four flaky tests, tracked in REL-88");
	await first.run("lint");
	// The operator stops for the day and takes the session up again: the record shows the stop and the resume.
	await first.close("the operator quit");
	const engine = await Engine.resume({ sessionsDir: sessions, id: first.id, effects, checkChecklist: false });
	await engine.run("flag");
	engine.answer("smoke", "pass", "loads in 1.2 s");
	await engine.run("errors");
	engine.decide("decision");
	engine.signoff("approvals", [
		{ role: "Release Manager", name: "Rae Manager", decision: "approve", comment: "go" },
	]);
	await engine.close();
	return { dir: engine.dir, app, sessions };
}

/** Replaces what differs between machines and runs: temp paths, host, user, the session's random suffix, hashes. */
function normalise(
	text: string,
	paths: { app: string; sessions: string; id: string },
	data: { host: string; user: string },
): string {
	return text
		.replaceAll(paths.sessions, "<sessions>")
		.replaceAll(paths.app, "<app>")
		.replaceAll(paths.id, "<session-id>")
		.replaceAll(`${data.user}@${data.host}`, "<user>@<host>")
		.replaceAll(` on ${data.host}`, " on <host>")
		.replace(/\b[0-9a-f]{64}\b/g, "<sha256>")
		.replace(/\(sha256 [0-9a-f]{12}…\)/g, "(sha256 <sha256>…)");
}

/** Compares with the golden file; UPDATE_GOLDEN=1 writes it instead (and a missing one fails without it). */
function golden(name: string, actual: string): void {
	const file = join(ROOT, "test", "fixtures", "golden", name);
	if (process.env.UPDATE_GOLDEN) {
		writeFileSync(file, actual);
		return;
	}
	if (!existsSync(file))
		throw new Error(`${file} is missing: run with UPDATE_GOLDEN=1 to write it, then review it`);
	expect(actual).toBe(readFileSync(file, "utf8"));
}

describe("the record, against golden files", () => {
	it("renders the same Markdown and JUnit for the same session", async () => {
		const { dir, app, sessions } = await goldenSession();
		const data = readSessionData(dir);
		const report = buildReport(data);
		const paths = { app, sessions, id: data.state.id };
		golden("release.md", normalise(render(report, "md"), paths, data.state));
		golden("release.junit.xml", normalise(render(report, "junit"), paths, data.state));
	});

	it("exports JSON that validates against the shipped report schema", async () => {
		const { dir } = await goldenSession();
		const schema = JSON.parse(readFileSync(join(ROOT, "docs", "report.schema.json"), "utf8"));
		const validate = new Ajv2020({ strict: false, allErrors: true }).compile(schema);
		const json = JSON.parse(render(buildReport(readSessionData(dir)), "json"));
		const valid = validate(json);
		expect(validate.errors ?? [], JSON.stringify(validate.errors)).toEqual([]);
		expect(valid).toBe(true);
		expect(validate({ ...json, session: { ...json.session, status: "maybe" } })).toBe(false);
	});
});
