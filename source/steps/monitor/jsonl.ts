import { ABSOLUTE_LEVEL, type Operator } from "../../checklist/monitor-schema.js";
import { toNumber } from "../../runner/parsers.js";
import { compare } from "../../runner/thresholds.js";
import { linesFromEnd } from "./lines-from-end.js";

export type Aggregate = "avg" | "p50" | "p95" | "p99" | "max" | "min" | "count" | "sum" | "ratio";

type FilterValue = string | number | boolean | null;

export interface JsonlQuery {
	readonly file: string;
	/** A dotted path into each record: `latency`, `data.latency_ms`. */
	readonly field?: string;
	readonly aggregate: Aggregate;
	/** Only records whose fields have these values are read. */
	readonly where?: Readonly<Record<string, FilterValue>>;
	/** With `ratio`: the records whose share, in percent, is the reading. */
	readonly match?: Readonly<Record<string, FilterValue>>;
	readonly window?: { readonly lines?: number; readonly last?: number; readonly timeField?: string };
}

export interface JsonlReading {
	readonly value: number;
	/** Values (or, for count and ratio, records) the aggregate was taken over. */
	readonly count: number;
	/** Lines that were not JSON, or had no number in the field. */
	readonly malformed: number;
}

/** Without a window, the last this many lines are read. */
export const DEFAULT_WINDOW_LINES = 10_000;
const TIME_FIELDS = ["timestamp", "time", "ts", "at"];

/**
 * Aggregates the end of a JSON-lines file: the last N lines, or the lines whose timestamp is
 * within the last duration; only records that pass `where`. A numeric field is aggregated;
 * `count` counts records, `ratio` gives the share of them that `match` (in percent).
 * Malformed lines are counted, not fatal.
 */
export function readJsonl(query: JsonlQuery, now: Date): JsonlReading {
	const maxLines =
		query.window?.lines ??
		(query.window?.last === undefined ? DEFAULT_WINDOW_LINES : Number.POSITIVE_INFINITY);
	const cutoff = query.window?.last === undefined ? undefined : now.getTime() - query.window.last;
	const where = filter(query.where);
	const match = filter(query.match);
	const path = query.aggregate === "ratio" ? undefined : query.field?.split(".");
	const values: number[] = [];
	let records = 0;
	let matched = 0;
	let malformed = 0;
	let seen = 0;
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
		if (!where(record)) continue;
		if (!path) {
			records++;
			if (match(record)) matched++;
			continue;
		}
		const value = toNumber(valueAt(record, path));
		if (value === undefined) malformed++;
		else values.push(value);
	}
	const what = query.where ? ` with ${describeFilter(query.where)}` : "";
	if (!path) {
		if (query.aggregate === "ratio" && records === 0)
			throw new Error(`no records${what} in ${query.file}${malformedNote(malformed)}: no share to take`);
		const value = query.aggregate === "ratio" ? (matched / records) * 100 : records;
		return { value, count: records, malformed };
	}
	if (values.length === 0)
		throw new Error(`no ${query.field} values${what} in ${query.file}${malformedNote(malformed)}`);
	return { value: aggregate(values, query.aggregate), count: values.length, malformed };
}

function malformedNote(malformed: number): string {
	return malformed > 0 ? ` (${malformed} malformed line(s))` : "";
}

/** The value at a dotted path of a record: `data.latency_ms`. */
export function valueAt(record: unknown, path: readonly string[]): unknown {
	return path.reduce<unknown>(
		(node, key) =>
			node !== null && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined,
		record,
	);
}

/**
 * A test of a record against every field of a filter: a string that is a condition
 * ("> 1000") compares numbers; any other value must be equal.
 */
function filter(spec?: Readonly<Record<string, FilterValue>>): (record: unknown) => boolean {
	if (!spec) return () => true;
	const tests = Object.entries(spec).map(([key, wanted]) => {
		const path = key.split(".");
		const condition = typeof wanted === "string" ? ABSOLUTE_LEVEL.exec(wanted) : null;
		if (condition) {
			const op = condition[1] as Operator;
			const value = Number(condition[2]);
			return (record: unknown) => {
				const actual = toNumber(valueAt(record, path));
				return actual !== undefined && compare(actual, op, value);
			};
		}
		return (record: unknown) => valueAt(record, path) === wanted;
	});
	return (record) => tests.every((test) => test(record));
}

function describeFilter(spec: Readonly<Record<string, FilterValue>>): string {
	return Object.entries(spec)
		.map(
			([key, value]) =>
				`${key} ${typeof value === "string" && ABSOLUTE_LEVEL.test(value) ? value.trim() : `= ${JSON.stringify(value)}`}`,
		)
		.join(", ");
}

/** How a JSONL source reads, for people: "p95 of latency where topic = \"chat\"". */
export function describeJsonl(query: Omit<JsonlQuery, "file">): string {
	const what =
		query.aggregate === "ratio"
			? `share of records with ${describeFilter(query.match ?? {})}`
			: query.field
				? `${query.aggregate} of ${query.field}`
				: "count of records";
	return query.where ? `${what}, where ${describeFilter(query.where)}` : what;
}

function timestampOf(record: unknown, field?: string): number | undefined {
	if (record === null || typeof record !== "object") return undefined;
	const names = field ? [field] : TIME_FIELDS;
	for (const name of names) {
		const raw = valueAt(record, name.split("."));
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
