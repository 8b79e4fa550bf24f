import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { canonicalJson, recordHash } from "../../source/session/canonical.js";
import { GENESIS_HASH } from "../../source/session/events.js";
import { readLog } from "../../source/session/log.js";
import { tempDir } from "../helpers/temp.js";

/** A hash-chained log of notes of the given sizes, as rollout writes it: one canonical line each. */
function writeChain(path: string, sizes: readonly number[]): string[] {
	let prev = GENESIS_HASH;
	const lines = sizes.map((size, seq) => {
		const unsigned = {
			type: "step.overridden",
			seq,
			at: new Date(Date.UTC(2026, 10, 30, 9, 0, seq)).toISOString(),
			prev,
			data: { stepId: `s${seq}`, reason: `é${"x".repeat(size)}` },
		};
		const record = { ...unsigned, hash: recordHash(unsigned) };
		prev = record.hash;
		return canonicalJson(record);
	});
	writeFileSync(path, lines.map((line) => `${line}\n`).join(""));
	return lines;
}

describe("reading a log a block at a time", () => {
	// Lines across block edges, one longer than a block, and characters outside ASCII.
	const sizes = [10, 200_000, 70_000, 600_000, 5, 262_000, 1];

	it("gives every record as written, whatever the blocks cut", () => {
		const path = join(tempDir(), "events.jsonl");
		const lines = writeChain(path, sizes);
		const { records, tornTail, problem } = readLog(path);
		expect(problem).toBeUndefined();
		expect(tornTail).toBeUndefined();
		expect(records.map((record) => canonicalJson(record))).toEqual(lines);
	});

	it("finds a torn last line after a long one, at its byte offset", () => {
		const path = join(tempDir(), "events.jsonl");
		writeChain(path, sizes);
		const whole = readFileSync(path).length;
		appendFileSync(path, `{"at":"2026-11-30T09:01:00.000Z","data":{"reason":"${"y".repeat(300_000)}`);
		const { records, tornTail } = readLog(path);
		expect(records).toHaveLength(sizes.length);
		expect(tornTail).toEqual({ offset: whole, bytes: readFileSync(path).length - whole });
	});

	it("names the first broken line past a block edge, and still the torn tail", () => {
		const path = join(tempDir(), "events.jsonl");
		writeChain(path, sizes);
		const text = readFileSync(path, "utf8").split("\n");
		text[4] = text[4]?.replace('"reason":"é', '"reason":"e') ?? "";
		writeFileSync(path, `${text.join("\n")}{"torn`);
		const { records, tornTail, problem } = readLog(path);
		expect(problem).toEqual({ line: 5, reason: "hash does not match the record (it was edited)" });
		expect(records).toHaveLength(4);
		expect(tornTail?.bytes).toBe(6);
	});
});
