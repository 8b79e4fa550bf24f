import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { XMLParser } from "fast-xml-parser";
import { compileJsonPath, readJsonPath } from "../checklist/json-path.js";
import { compilePattern, type Pattern } from "../checklist/pattern.js";
import type { Step } from "../checklist/schema.js";
import type { Metrics } from "../session/events.js";
import { parsePrometheusLine, seriesKey } from "./prometheus.js";

type Expect = NonNullable<Extract<Step, { kind: "command" }>["expect"]>;

/** Reads a command's output line by line and turns it into figures once the command has ended. */
export interface OutputParser {
	line(text: string): void;
	finish(cwd: string): { metrics: Metrics } | { error: string };
}

const MAX_JSON_BYTES = 16 * 1024 * 1024;

/** The parser an `expect` block asks for, or undefined when it asks for none. */
export function createParser(expect: Expect | undefined): OutputParser | undefined {
	switch (expect?.parse) {
		case "pytest":
			return pytestParser();
		case "junit":
			return junitParser(expect.junit?.file ?? "");
		case "json":
			return jsonParser(expect.json?.path ?? "$", expect.json?.metric ?? "value");
		case "regex":
			return regexParser(compilePattern(expect.regex?.pattern ?? ""));
		case "prometheus":
			return prometheusParser();
		default:
			return undefined;
	}
}

const PYTEST_COUNT = /(\d+) (passed|failed|errors?|skipped|xfailed|xpassed|deselected|warnings?|rerun)\b/g;
const PYTEST_SUMMARY = /\b\d+ (passed|failed|errors?|skipped|xfailed|xpassed)\b.* in [\d.]+s\b/;

/** pytest's closing summary: passed, failed, errors, skipped, xfailed, xpassed, total and pass_rate. */
function pytestParser(): OutputParser {
	let summary: string | undefined;
	let noTests = false;
	return {
		line(text) {
			if (PYTEST_SUMMARY.test(text)) summary = text;
			else if (/\bno tests ran\b/.test(text)) noTests = true;
		},
		finish() {
			if (!summary)
				return { error: noTests ? "pytest ran no tests" : "no pytest summary line in the output" };
			const counts: Record<string, number> = {
				passed: 0,
				failed: 0,
				errors: 0,
				skipped: 0,
				xfailed: 0,
				xpassed: 0,
			};
			for (const [, count, word] of summary.matchAll(PYTEST_COUNT)) {
				const key = word === "error" ? "errors" : word;
				if (key && key in counts) counts[key] = Number(count);
			}
			const { passed = 0, failed = 0, errors = 0, skipped = 0, xfailed = 0, xpassed = 0 } = counts;
			const judged = passed + failed + errors;
			return {
				metrics: {
					...counts,
					total: passed + failed + errors + skipped + xfailed + xpassed,
					pass_rate: judged === 0 ? 0 : (passed / judged) * 100,
				},
			};
		},
	};
}

/** A JUnit XML report: tests, failures, errors, skipped and pass_rate, summed over its test suites. */
function junitParser(file: string): OutputParser {
	return {
		line() {},
		finish(cwd) {
			const path = resolve(cwd, file);
			let xml: string;
			try {
				xml = readFileSync(path, "utf8");
			} catch {
				return { error: `no JUnit report at ${path}` };
			}
			return parseJunit(xml, path);
		},
	};
}

/** Sums a JUnit document's `<testsuite>` counts (or its `<testsuites>` totals when it has no suites). */
export function parseJunit(xml: string, where: string): { metrics: Metrics } | { error: string } {
	let document: Record<string, unknown>;
	try {
		document = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" }).parse(xml, true);
	} catch (error) {
		return { error: `${where} is not valid XML: ${(error as Error).message.split("\n")[0]}` };
	}
	const suites: Record<string, unknown>[] = [];
	const collect = (node: unknown) => {
		for (const item of Array.isArray(node) ? node : node === undefined ? [] : [node]) {
			if (item && typeof item === "object") {
				suites.push(item as Record<string, unknown>);
				collect((item as Record<string, unknown>).testsuite);
			}
		}
	};
	const root = document.testsuites as Record<string, unknown> | undefined;
	collect(root ? root.testsuite : document.testsuite);
	const sources = suites.length > 0 ? suites.filter((suite) => !suite.testsuite) : root ? [root] : [];
	if (sources.length === 0) return { error: `${where} has no <testsuite> or <testsuites> element` };
	const sum = (name: string) => sources.reduce((total, suite) => total + (Number(suite[name]) || 0), 0);
	const tests = sum("tests");
	const failures = sum("failures");
	const errors = sum("errors");
	const skipped = sum("skipped") + sum("disabled");
	const judged = tests - skipped;
	return {
		metrics: {
			tests,
			failures,
			errors,
			skipped,
			pass_rate: judged <= 0 ? 0 : ((judged - failures - errors) / judged) * 100,
		},
	};
}

/** The number at a JSON path of the whole output. */
function jsonParser(path: string, metric: string): OutputParser {
	const chunks: string[] = [];
	let size = 0;
	return {
		line(text) {
			size += text.length + 1;
			if (size <= MAX_JSON_BYTES) chunks.push(text);
		},
		finish() {
			if (size > MAX_JSON_BYTES) return { error: "the output is over 16 MiB: too large to read as JSON" };
			let value: unknown;
			try {
				value = JSON.parse(chunks.join("\n"));
			} catch {
				return { error: "the output is not JSON" };
			}
			const found = readJsonPath(value, compileJsonPath(path) ?? []);
			const number = toNumber(found);
			if (number === undefined)
				return {
					error: `${path} is ${found === undefined ? "missing" : JSON.stringify(found)}, not a number`,
				};
			return { metrics: { [metric]: number } };
		},
	};
}

/** Each named group of the pattern, as a number; the last line that matches wins. */
function regexParser(pattern: Pattern): OutputParser {
	const metrics: Record<string, number> = {};
	return {
		line(text) {
			const groups = pattern.groups(text);
			for (const [name, value] of Object.entries(groups ?? {})) {
				const number = toNumber(value);
				if (number !== undefined) metrics[name] = number;
			}
		},
		finish() {
			return Object.keys(metrics).length > 0
				? { metrics }
				: { error: `no line of the output matched ${pattern.source}` };
		},
	};
}

/** Every sample of a Prometheus text exposition, keyed `name{labels}`; unlabelled ones also by name. */
function prometheusParser(): OutputParser {
	const metrics: Record<string, number> = {};
	return {
		line(text) {
			const sample = parsePrometheusLine(text);
			if (sample) metrics[seriesKey(sample.name, sample.labels)] = sample.value;
		},
		finish() {
			return Object.keys(metrics).length > 0 ? { metrics } : { error: "no Prometheus samples in the output" };
		},
	};
}

/** A number from JSON or text: numbers, numeric strings and booleans (1/0). */
export function toNumber(value: unknown): number | undefined {
	if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
	if (typeof value === "boolean") return value ? 1 : 0;
	if (typeof value === "string" && value.trim() !== "") {
		const number = Number(value);
		return Number.isFinite(number) ? number : undefined;
	}
	return undefined;
}
