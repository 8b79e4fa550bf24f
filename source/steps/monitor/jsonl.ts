import { closeSync, openSync, readSync, statSync } from "node:fs";
import { toNumber } from "../../runner/parsers.js";

export type Aggregate = "avg" | "p50" | "p95" | "p99" | "max" | "min" | "count" | "sum";

export interface JsonlQuery {
	readonly file: string;
	readonly field: string;
	readonly aggregate: Aggregate;
	readonly window?: { readonly lines?: number; readonly last?: number; readonly timeField?: string };
}

export interface JsonlReading {
	readonly value: number;
	/** Values the aggregate was taken over. */
	readonly count: number;
	/** Lines that were not JSON, or had no number in the field. */
	readonly malformed: number;
}

/** Without a window, the last this many lines are read. */
export const DEFAULT_WINDOW_LINES = 10_000;
const CHUNK = 64 * 1024;
const TIME_FIELDS = ["timestamp", "time", "ts", "at"];

/**
 * Aggregates a numeric field over the end of a JSON-lines file: the last N lines, or the
 * lines whose timestamp is within the last duration. The file is read backwards in chunks,
 * so a large log is never loaded whole. Malformed lines are counted, not fatal.
 */
export function readJsonl(query: JsonlQuery, now: Date): JsonlReading {
	const maxLines =
		query.window?.lines ??
		(query.window?.last === undefined ? DEFAULT_WINDOW_LINES : Number.POSITIVE_INFINITY);
	const cutoff = query.window?.last === undefined ? undefined : now.getTime() - query.window.last;
	const values: number[] = [];
	let malformed = 0;
	let seen = 0;
	const path = query.field.split(".");
	for (const line of linesFromEnd(query.file)) {
		if (seen >= maxLines) break;
		if (line.trim() === "") continue;
		seen++;
		let record: unknown;
		try {
			record = JSON.parse(line);
		} catch {
			malformed++;
			continue;
		}
		if (cutoff !== undefined) {
			const at = timestampOf(record, query.window?.timeField);
			if (at === undefined) {
				malformed++;
				continue;
			}
			// Lines are in time order: the first one older than the window ends the read.
			if (at < cutoff) break;
		}
		const value = toNumber(
			path.reduce<unknown>((node, key) => (node as Record<string, unknown> | null)?.[key], record),
		);
		if (value === undefined) malformed++;
		else values.push(value);
	}
	if (values.length === 0) {
		throw new Error(
			`no ${query.field} values in ${query.file}${malformed > 0 ? ` (${malformed} malformed line(s))` : ""}`,
		);
	}
	return { value: aggregate(values, query.aggregate), count: values.length, malformed };
}

function* linesFromEnd(file: string): Generator<string> {
	const fd = openSync(file, "r");
	try {
		let position = statSync(file).size;
		let rest = Buffer.alloc(0);
		while (position > 0) {
			const size = Math.min(CHUNK, position);
			position -= size;
			const chunk = Buffer.alloc(size);
			readSync(fd, chunk, 0, size, position);
			const buffer = Buffer.concat([chunk, rest]);
			let end = buffer.length;
			for (let index = buffer.lastIndexOf(10, end - 1); index >= 0; index = buffer.lastIndexOf(10, end - 1)) {
				if (index + 1 < end) yield buffer.toString("utf8", index + 1, end);
				end = index;
				if (end === 0) break;
			}
			rest = buffer.subarray(0, end);
		}
		// The file's first line: a byte-order mark there is not part of the record.
		const first = rest[0] === 0xef && rest[1] === 0xbb && rest[2] === 0xbf ? rest.subarray(3) : rest;
		if (first.length > 0) yield first.toString("utf8");
	} finally {
		closeSync(fd);
	}
}

function timestampOf(record: unknown, field?: string): number | undefined {
	if (record === null || typeof record !== "object") return undefined;
	const names = field ? [field] : TIME_FIELDS;
	for (const name of names) {
		const raw = (record as Record<string, unknown>)[name];
		if (typeof raw === "number") return raw < 1e12 ? raw * 1000 : raw;
		if (typeof raw === "string") {
			const parsed = Date.parse(raw);
			if (!Number.isNaN(parsed)) return parsed;
		}
	}
	return undefined;
}

/** avg, nearest-rank percentiles, max, min, count and sum. */
export function aggregate(values: readonly number[], kind: Aggregate): number {
	switch (kind) {
		case "count":
			return values.length;
		case "sum":
			return values.reduce((total, value) => total + value, 0);
		case "avg":
			return values.reduce((total, value) => total + value, 0) / values.length;
		case "max":
			return values.reduce((max, value) => Math.max(max, value), Number.NEGATIVE_INFINITY);
		case "min":
			return values.reduce((min, value) => Math.min(min, value), Number.POSITIVE_INFINITY);
		default: {
			const sorted = [...values].sort((a, b) => a - b);
			const rank = Math.ceil((Number(kind.slice(1)) / 100) * sorted.length);
			return sorted[Math.min(Math.max(rank, 1), sorted.length) - 1] ?? Number.NaN;
		}
	}
}
