import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readJsonl } from "../../source/steps/monitor/jsonl.js";
import { countLogLines } from "../../source/steps/monitor/log-lines.js";
import { tempDir } from "../helpers/temp.js";

const now = new Date("2026-11-23T12:00:00Z");
const minutesAgo = (minutes: number) => new Date(now.getTime() - minutes * 60_000).toISOString();

/** An observability log as a service writes it: topics, nested data, an error flag. */
function eventLog(): string {
	const file = join(tempDir(), "victor_coordinator_rollout.jsonl");
	const records = [
		{ ts: minutesAgo(30), topic: "tool.execution", success: false, data: { latency_ms: 900 } },
		{ ts: minutesAgo(9), topic: "tool.execution", success: true, data: { latency_ms: 120 } },
		{ ts: minutesAgo(8), topic: "chat", success: true, data: { latency_ms: 2400 } },
		{ ts: minutesAgo(7), topic: "tool.execution", success: false, data: { latency_ms: 300 } },
		{ ts: minutesAgo(6), topic: "tool.execution", success: true, data: { latency_ms: 80 } },
		{ ts: minutesAgo(5), topic: "chat", success: false, data: { latency_ms: 3100 } },
		{ ts: minutesAgo(4), topic: "tool.execution", success: true, data: { latency_ms: 150 } },
	];
	writeFileSync(file, `${records.map((record) => JSON.stringify(record)).join("\n")}\n`);
	return file;
}

describe("JSONL event log: filter by field, ratio aggregates, nested paths", () => {
	it("takes the share of records matching a condition among those a filter keeps (error rate, success rate)", () => {
		const file = eventLog();
		const errorRate = readJsonl(
			{ file, aggregate: "ratio", where: { topic: "tool.execution" }, match: { success: false } },
			now,
		);
		expect(errorRate).toEqual({ value: 40, count: 5, malformed: 0 });
		const recent = readJsonl(
			{
				file,
				aggregate: "ratio",
				where: { topic: "tool.execution" },
				match: { success: true },
				window: { last: 10 * 60_000 },
			},
			now,
		);
		expect(recent.value).toBe(75);
		expect(recent.count).toBe(4);
	});

	it("reads a nested field of the filtered records, and a condition as a filter", () => {
		const file = eventLog();
		expect(
			readJsonl({ file, field: "data.latency_ms", aggregate: "max", where: { topic: "chat" } }, now).value,
		).toBe(3100);
		expect(
			readJsonl({ file, aggregate: "ratio", match: { "data.latency_ms": "> 1000" } }, now).value,
		).toBeCloseTo((2 / 7) * 100);
		expect(readJsonl({ file, aggregate: "count", where: { topic: "chat" } }, now).value).toBe(2);
	});

	it("says so when the filter keeps nothing", () => {
		const file = eventLog();
		expect(() =>
			readJsonl({ file, aggregate: "ratio", where: { topic: "billing" }, match: { success: false } }, now),
		).toThrow(`no records with topic = "billing" in ${file}: no share to take`);
		expect(() =>
			readJsonl({ file, field: "data.cost", aggregate: "avg", where: { topic: "chat" } }, now),
		).toThrow(`no data.cost values with topic = "chat" in ${file} (2 malformed line(s))`);
	});
});

describe("log file: lines matching a pattern over a time window", () => {
	const local = (minutes: number) => {
		const at = new Date(now.getTime() - minutes * 60_000);
		const pad = (value: number) => String(value).padStart(2, "0");
		return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())} ${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())},123`;
	};

	function victorLog(): string {
		const file = join(tempDir(), "victor.log");
		writeFileSync(
			file,
			[
				"Traceback from before any stamp: ERROR",
				`${local(45)} - victor.agent - ERROR - provider timeout`,
				`${local(20)} - victor.agent - INFO - started`,
				`${local(9)} - victor.coordinator - ERROR - coordinator failed to initialise`,
				"Traceback (most recent call last):",
				'  File "coordinator.py", line 12, in init',
				"ValueError: error in config",
				`${local(3)} - victor.agent - WARNING - slow answer`,
				`${local(1)} - victor.agent - error - lower-case level`,
				"",
			].join("\n"),
		);
		return file;
	}

	it("counts matching lines in the last duration, a traceback's lines going with their entry", () => {
		const file = victorLog();
		expect(countLogLines({ file, pattern: "(?i)error", window: { last: 10 * 60_000 } }, now).value).toBe(3);
		expect(countLogLines({ file, pattern: "ERROR", window: { last: 60 * 60_000 } }, now).value).toBe(2);
	});

	it("counts the whole file, or its last lines, like grep -i error | wc -l", () => {
		const file = victorLog();
		expect(countLogLines({ file, pattern: "(?i)error" }, now).value).toBe(5);
		expect(countLogLines({ file, pattern: "(?i)error", window: { lines: 2 } }, now).value).toBe(1);
	});

	it("refuses a time window over a log without time stamps", () => {
		const file = join(tempDir(), "plain.log");
		writeFileSync(file, "error one\nerror two\n");
		expect(() => countLogLines({ file, pattern: "error", window: { last: 60_000 } }, now)).toThrow(
			`no time stamps in ${file}: window.last needs lines that start with one, such as 2026-01-14 11:41:27`,
		);
	});
});
