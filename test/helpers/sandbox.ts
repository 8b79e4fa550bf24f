import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "./temp.js";

export const SANDBOX_CHECKLIST = "test/fixtures/engine/sandbox-rollout.yaml";

/** The config a flag step edits: comments, CRLF line endings and a BOM, all of which must survive. */
export const CONFIG = [
	"\uFEFF# service configuration",
	"name: sandbox   # do not rename",
	"features:",
	"  coordinator: false  # flipped by the rollout",
	"  legacy: true",
	"",
].join("\r\n");

/** What pytest prints at the end of a run. */
export function pytestOutput(passed: number, failed: number): string {
	return [
		"============================= test session starts ==============================",
		"platform linux -- Python 3.11.7, pytest-8.3.4, pluggy-1.5.0",
		`collected ${passed + failed} items`,
		"",
		`tests/unit/test_core.py ${".".repeat(passed)}${"F".repeat(failed)}`,
		"",
		`========================= ${failed > 0 ? `${failed} failed, ` : ""}${passed} passed, 2 skipped in 3.21s =========================`,
		"",
	].join("\n");
}

export const JUNIT = `<?xml version="1.0" encoding="utf-8"?>
<testsuites>
  <testsuite name="integration" tests="40" failures="1" errors="0" skipped="2" time="12.5">
    <testcase classname="api" name="test_health" time="0.1"/>
    <testcase classname="api" name="test_login" time="0.2"><failure message="401">expected 200</failure></testcase>
    <testcase classname="api" name="test_legacy" time="0"><skipped/></testcase>
    <testcase classname="api" name="test_beta" time="0"><skipped/></testcase>
${Array.from({ length: 36 }, (_, index) => `    <testcase classname="api" name="test_case_${index}" time="0.1"/>`).join("\n")}
  </testsuite>
  <testsuite name="teams" tests="10" failures="0" errors="0" skipped="0" time="3.1"/>
</testsuites>
`;

/** A folder with everything the sandbox checklist touches; returns it and the sessions folder. */
export function makeSandbox(options: { passed?: number; failed?: number } = {}): {
	app: string;
	sessions: string;
} {
	const app = tempDir("rollout-app-");
	writeFileSync(join(app, "config.yaml"), CONFIG, { mode: 0o640 });
	writeFileSync(join(app, "pytest-output.txt"), pytestOutput(options.passed ?? 98, options.failed ?? 0));
	writeFileSync(join(app, "report.xml"), JUNIT);
	return { app, sessions: tempDir("rollout-sessions-") };
}

export const ANSWERS = `operator: Dana Ops
answers:
  smoke: { result: pass, notes: "answered in 40 ms" }
  day-1-errors: pass
  approvals:
    - { role: Tech Lead, name: Alice Lead, decision: approve, comment: ship it }
    - { role: QA Lead, name: Quinn QA, decision: approve }
`;
