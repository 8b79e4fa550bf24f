import { XMLParser } from "fast-xml-parser";
import type { Metrics } from "../session/events.js";

type Element = Record<string, unknown>;

interface Tally {
	tests: number;
	failures: number;
	errors: number;
	skipped: number;
}

const SKIPPED_STATUS = /^(?:skipped|disabled|notrun|not ?run|suppressed|ignored)$/i;

const parser = new XMLParser({
	ignoreAttributes: false,
	attributeNamePrefix: "@",
	isArray: (name) => name === "testsuite" || name === "testcase",
	processEntities: false,
	parseTagValue: false,
});

/**
 * A JUnit report's figures, counted from its `<testcase>` elements at any depth: a case with
 * `<failure>` failed, with `<error>` errored, with `<skipped>` (or a skipped/disabled status)
 * was skipped. Errors a suite or the root reports with no test case behind them (a suite
 * that failed to load, a crashed package) are added as errors; a suite that lists no test
 * case at all counts by its attributes. The pass rate stays in 0–100.
 */
export function parseJunit(xml: string, where: string): { metrics: Metrics } | { error: string } {
	if (xml.trim() === "") return { error: `${where} is empty: no JUnit report` };
	let document: Element;
	try {
		document = parser.parse(xml, true) as Element;
	} catch (error) {
		return { error: `${where} is not valid XML: ${(error as Error).message.split("\n")[0]}` };
	}
	const rootName = Object.keys(document).find((name) => !name.startsWith("?") && !name.startsWith("#"));
	if (rootName !== "testsuites" && rootName !== "testsuite")
		return {
			error: `${where} is not a JUnit report: its root element is <${rootName ?? "none"}>, not <testsuites> or <testsuite>`,
		};
	const roots = ([] as unknown[]).concat(document[rootName]).map((root) => (isElement(root) ? root : {}));
	const total: Tally = { tests: 0, failures: 0, errors: 0, skipped: 0 };
	for (const root of roots) add(total, tally(root));
	if (total.tests === 0) return { error: `${where} holds no test cases` };
	const judged = total.tests - total.skipped;
	const passed = Math.max(0, judged - total.failures - total.errors);
	return {
		metrics: {
			tests: total.tests,
			failures: total.failures,
			errors: total.errors,
			skipped: total.skipped,
			pass_rate: judged <= 0 ? 0 : Math.min(100, (passed / judged) * 100),
		},
	};
}

/** One suite's figures: its own cases, its nested suites', and errors it reports beyond them. */
function tally(suite: Element): Tally {
	const counted: Tally = { tests: 0, failures: 0, errors: 0, skipped: 0 };
	for (const testcase of elements(suite.testcase)) {
		counted.tests++;
		if ("failure" in testcase) counted.failures++;
		else if ("error" in testcase) counted.errors++;
		else if (
			"skipped" in testcase ||
			SKIPPED_STATUS.test(String(testcase["@status"] ?? testcase["@result"] ?? ""))
		)
			counted.skipped++;
	}
	for (const child of elements(suite.testsuite)) add(counted, tally(child));
	if (counted.tests === 0) {
		// A suite that lists no test case (a summary-only report, a package that did not build): its attributes.
		const failures = count(suite["@failures"]);
		const errors = count(suite["@errors"]);
		const skipped = count(suite["@skipped"]) + count(suite["@disabled"]);
		return {
			tests: Math.max(count(suite["@tests"]), failures + errors + skipped),
			failures,
			errors,
			skipped,
		};
	}
	const reported = count(suite["@errors"]) + count(suite["@failures"]);
	const unexplained = reported - counted.errors - counted.failures;
	if (unexplained > 0) {
		counted.errors += unexplained;
		counted.tests += unexplained;
	}
	return counted;
}

function add(into: Tally, from: Tally): void {
	into.tests += from.tests;
	into.failures += from.failures;
	into.errors += from.errors;
	into.skipped += from.skipped;
}

function count(value: unknown): number {
	const number = Number(value);
	return Number.isInteger(number) && number > 0 ? number : 0;
}

function elements(value: unknown): Element[] {
	return Array.isArray(value) ? value.filter(isElement) : isElement(value) ? [value] : [];
}

function isElement(value: unknown): value is Element {
	return value !== null && typeof value === "object";
}
