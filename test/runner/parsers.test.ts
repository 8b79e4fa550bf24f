import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parseJunit } from "../../source/runner/junit.js";
import { createParser } from "../../source/runner/parsers.js";
import { parsePrometheusLine } from "../../source/runner/prometheus.js";
import { readJsonl } from "../../source/steps/monitor/jsonl.js";
import { tempDir } from "../helpers/temp.js";

const junit = (xml: string) => parseJunit(xml, "report.xml");

/** Feeds text to a parser line by line, as the command runner does. */
function parseOutput(kind: "pytest" | "prometheus", output: string) {
	const parser = createParser({ parse: kind } as never);
	if (!parser) throw new Error("no parser");
	for (const line of output.split("\n")) parser.line(line);
	return parser.finish(process.cwd());
}

describe("JUnit reports counted from their test cases", () => {
	it("keeps the failures of a suite that holds both test cases and nested suites", () => {
		expect(
			junit(
				'<testsuites><testsuite tests="2" failures="1"><testcase name="a"><failure/></testcase><testsuite tests="1" failures="0"><testcase name="b"/></testsuite></testsuite></testsuites>',
			),
		).toEqual({ metrics: { tests: 2, failures: 1, errors: 0, skipped: 0, pass_rate: 50 } });
	});

	it("counts suites without count attributes (JUnit 4, PHPUnit basic)", () => {
		const xml = `<?xml version="1.0" encoding="UTF-8"?>
<testsuites>
  <testsuite name="JUnitXmlReporter.constructor" timestamp="2013-05-24T10:23:58">
    <properties><property name="java.vendor" value="Sun Microsystems Inc."/></properties>
    <testcase classname="JUnitXmlReporter.constructor" name="should default path to an empty string" time="0.006">
      <failure message="test failure">Assertion failed</failure>
    </testcase>
    <testcase classname="JUnitXmlReporter.constructor" name="should default consolidate to true" time="0">
      <skipped />
    </testcase>
    <testcase classname="JUnitXmlReporter.constructor" name="should default useDotNotation to true" time="0" />
  </testsuite>
</testsuites>`;
		expect(junit(xml)).toEqual({ metrics: { tests: 3, failures: 1, errors: 0, skipped: 1, pass_rate: 50 } });
	});

	it("adds an error the root reports with no test case behind it (a crashed Go package)", () => {
		// go-junit-report: a package that does not build is counted on the root only.
		const xml =
			'<testsuites tests="1" errors="1"><testsuite name="pkg/ok" tests="1" failures="0" errors="0"><testcase classname="pkg/ok" name="TestA"/></testsuite></testsuites>';
		expect(junit(xml)).toMatchObject({ metrics: { tests: 2, errors: 1, failures: 0, pass_rate: 50 } });
		expect(junit('<testsuites errors="1"></testsuites>')).toMatchObject({
			metrics: { errors: 1, pass_rate: 0 },
		});
	});

	it("never gives a pass rate outside 0–100, whatever the attributes claim", () => {
		const result = junit(
			'<testsuite tests="3" failures="4"><testcase name="a"><failure/></testcase><testcase name="b"><failure/></testcase><testcase name="c"><failure/></testcase></testsuite>',
		);
		expect(result).toMatchObject({ metrics: { tests: 4, failures: 3, errors: 1 } });
		const rate = "metrics" in result ? result.metrics.pass_rate : -1;
		expect(rate).toBe(0);
	});

	it("refuses what is not a JUnit report, instead of zeros", () => {
		expect(junit('<test-run id="2" testcasecount="3" result="Failed"><test-suite/></test-run>')).toEqual({
			error:
				"report.xml is not a JUnit report: its root element is <test-run>, not <testsuites> or <testsuite>",
		});
		expect(junit("")).toEqual({ error: "report.xml is empty: no JUnit report" });
		expect(junit("<testsuites/>")).toEqual({ error: "report.xml holds no test cases" });
	});
});

describe("pytest summaries", () => {
	it("reads a coloured summary and adds up several runs in one output", () => {
		const output = [
			"\u001b[31m=== \u001b[31m\u001b[1m1 failed\u001b[0m, \u001b[32m2 passed\u001b[0m\u001b[31m in 0.05s\u001b[0m\u001b[31m ===\u001b[0m",
			"==================== 3 passed, 1 skipped in 0.02s ====================",
		].join("\n");
		expect(parseOutput("pytest", output)).toEqual({
			metrics: {
				passed: 5,
				failed: 1,
				errors: 0,
				skipped: 1,
				xfailed: 0,
				xpassed: 0,
				total: 7,
				pass_rate: (5 / 6) * 100,
			},
		});
	});

	it("says when no tests ran, and gives the count of a collect-only run", () => {
		expect(parseOutput("pytest", "============ no tests ran in 0.01s ============")).toEqual({
			error: "pytest ran no tests",
		});
		expect(parseOutput("pytest", "=== 4 tests collected in 0.01s ===")).toEqual({
			metrics: { collected: 4 },
		});
	});
});

describe("Prometheus and OpenMetrics samples", () => {
	it("reads a sample with an exemplar and float or exponent timestamps", () => {
		expect(parsePrometheusLine('x_total 3 # {trace_id="t"} 1 1.7e9')).toEqual({
			name: "x_total",
			labels: {},
			value: 3,
		});
		expect(parsePrometheusLine('x_total{a="b # c"} 3 1700000000.5 # {trace_id="t"} 1')).toEqual({
			name: "x_total",
			labels: { a: "b # c" },
			value: 3,
		});
		expect(parsePrometheusLine("up 1 1.7e12")).toMatchObject({ value: 1 });
		expect(parsePrometheusLine('h_bucket{le="+Inf"} +Inf')).toMatchObject({
			labels: { le: "+Inf" },
			value: Number.POSITIVE_INFINITY,
		});
		expect(parseOutput("prometheus", 'x_total 3 # {trace_id="t"} 1 1.7e9\n# EOF')).toEqual({
			metrics: { x_total: 3 },
		});
	});
});

describe("JSONL with a byte-order mark", () => {
	it("reads the first record", () => {
		const file = join(tempDir(), "log.jsonl");
		writeFileSync(file, '\uFEFF{"latency": 5}\n{"latency": 7}\n');
		expect(readJsonl({ file, field: "latency", aggregate: "sum" }, new Date())).toEqual({
			value: 12,
			count: 2,
			malformed: 0,
		});
	});
});

const PYTEST = ["python3", "/usr/bin/python3"].find(
	(python) => spawnSync(python, ["-m", "pytest", "--version"], { stdio: "ignore" }).status === 0,
);
const XDIST =
	PYTEST &&
	["python3", "/usr/bin/python3"].find(
		(python) => spawnSync(python, ["-c", "import pytest, xdist"], { stdio: "ignore" }).status === 0,
	);

describe.skipIf(!PYTEST)("real pytest runs", () => {
	function project() {
		const dir = tempDir();
		writeFileSync(join(dir, "test_a.py"), "def test_ok():\n    pass\n\ndef test_bad():\n    assert 1 == 2\n");
		writeFileSync(
			join(dir, "test_b.py"),
			"import pytest\n\ndef test_one():\n    pass\n\ndef test_two():\n    pass\n\n@pytest.mark.skip\ndef test_skip():\n    pass\n",
		);
		return dir;
	}
	const sh = (dir: string, command: string, env: Record<string, string> = {}) =>
		spawnSync("sh", ["-c", command], { cwd: dir, encoding: "utf8", env: { ...process.env, ...env } }).stdout;

	it("reads coloured output (--color=yes, FORCE_COLOR, PY_COLORS) and two runs in one command", () => {
		const dir = project();
		const expected = { passed: 3, failed: 1, skipped: 1, total: 5, pass_rate: 75 };
		for (const [flags, env] of [
			["--color=yes", {}],
			["", { FORCE_COLOR: "1" }],
			["", { PY_COLORS: "1" }],
		] as const) {
			const output = sh(
				dir,
				`${PYTEST} -m pytest -p no:cacheprovider ${flags} test_a.py; ${PYTEST} -m pytest -p no:cacheprovider ${flags} test_b.py`,
				env,
			);
			if (flags) expect(output).toContain("\u001b[");
			expect(parseOutput("pytest", output)).toMatchObject({ metrics: expected });
		}
	});

	it("agrees with its own --junitxml report", () => {
		const dir = project();
		const output = sh(dir, `${PYTEST} -m pytest -p no:cacheprovider --junitxml=report.xml`);
		expect(parseOutput("pytest", output)).toMatchObject({ metrics: { passed: 3, failed: 1, skipped: 1 } });
		expect(parseJunit(readFileSync(join(dir, "report.xml"), "utf8"), "report.xml")).toEqual({
			metrics: { tests: 5, failures: 1, errors: 0, skipped: 1, pass_rate: 75 },
		});
	});

	it("says no tests ran, and counts a collect-only run", () => {
		const dir = tempDir();
		writeFileSync(join(dir, "test_none.py"), "x = 1\n");
		expect(parseOutput("pytest", sh(dir, `${PYTEST} -m pytest -p no:cacheprovider test_none.py`))).toEqual({
			error: "pytest ran no tests",
		});
		const collected = sh(project(), `${PYTEST} -m pytest -p no:cacheprovider --collect-only -q`);
		expect(parseOutput("pytest", collected)).toEqual({ metrics: { collected: 5 } });
	});

	it.skipIf(!XDIST)("reads a run spread over workers (xdist)", () => {
		const output = sh(project(), `${XDIST} -m pytest -p no:cacheprovider -n 2 --color=yes`);
		expect(parseOutput("pytest", output)).toMatchObject({ metrics: { passed: 3, failed: 1, skipped: 1 } });
	});
});

describe("vitest's own JUnit reporter", () => {
	it("is read as it writes it", () => {
		const dir = tempDir();
		writeFileSync(
			join(dir, "sample.test.js"),
			'import { it, expect } from "vitest";\nit("ok", () => {});\nit("bad", () => expect(1).toBe(2));\nit.skip("later", () => {});\n',
		);
		writeFileSync(join(dir, "vitest.config.js"), "export default {};\n");
		const vitest = resolve("node_modules/vitest/vitest.mjs");
		expect(existsSync(vitest)).toBe(true);
		spawnSync(
			process.execPath,
			[vitest, "run", "--root", dir, "--reporter=junit", "--outputFile=report.xml"],
			{
				cwd: dir,
				encoding: "utf8",
				env: { ...process.env, CI: "" },
			},
		);
		expect(parseJunit(readFileSync(join(dir, "report.xml"), "utf8"), "report.xml")).toEqual({
			metrics: { tests: 3, failures: 1, errors: 0, skipped: 1, pass_rate: 50 },
		});
	});
});
