import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { stripVTControlCharacters } from "node:util";
import { compileJsonPath, readJsonPath } from "../checklist/json-path.js";
import { compilePattern, type Pattern } from "../checklist/pattern.js";
import type { Step } from "../checklist/schema.js";
import type { Metrics } from "../session/events.js";
import { parseJunit } from "./junit.js";
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

const PYTEST_WORDS = ["passed", "failed", "errors", "skipped", "xfailed", "xpassed"] as const;
const PYTEST_PART =
	/^(\d+) (passed|failed|errors?|skipped|xfailed|xpassed|deselected|warnings?|rerun|reruns)$/;
const PYTEST_LINE = /^=*\s*(.+?) in [\d.]+s(?: \([\d:.]+\))?\s*=*$/;
const COLLECTED = /^=*\s*(?:(\d+)\/)?(\d+) tests? collected(?: \(\d+ deselected\))?(?: in [\d.]+s)?\s*=*$/;

/**
 * pytest's closing summaries: passed, failed, errors, skipped, xfailed, xpassed, total and
 * pass_rate. Several runs in one output (`pytest a; pytest b`) are added up; a run that
 * only collected gives `collected`.
 */
function pytestParser(): OutputParser {
	const counts: Record<(typeof PYTEST_WORDS)[number], number> = {
		passed: 0,
		failed: 0,
		errors: 0,
		skipped: 0,
		xfailed: 0,
		xpassed: 0,
	};
	let summaries = 0;
	let noTests = 0;
	let collected: number | undefined;
	return {
		line(raw) {
			// Colour (`--color=yes`, `FORCE_COLOR`, `PY_COLORS`) would hide the summary from the pattern.
			const text = stripVTControlCharacters(raw).trim();
			const gathered = COLLECTED.exec(text);
			if (gathered) {
				collected = (collected ?? 0) + Number(gathered[1] ?? gathered[2]);
				return;
			}
			const summary = PYTEST_LINE.exec(text)?.[1];
			if (!summary) return;
			if (summary === "no tests ran") {
				noTests++;
				return;
			}
			const parts = summary.split(", ").map((part) => PYTEST_PART.exec(part));
			if (parts.some((part) => !part)) return;
			summaries++;
			for (const part of parts) {
				const word = part?.[2] === "error" ? "errors" : part?.[2];
				if (word && word in counts) counts[word as keyof typeof counts] += Number(part?.[1]);
			}
		},
		finish(): ReturnType<OutputParser["finish"]> {
			if (summaries === 0) {
				if (collected !== undefined) return { metrics: { collected } };
				return { error: noTests > 0 ? "pytest ran no tests" : "no pytest summary line in the output" };
			}
			const { passed, failed, errors, skipped, xfailed, xpassed } = counts;
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

/** A JUnit XML report: tests, failures, errors, skipped and pass_rate, counted from its test cases. */
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
