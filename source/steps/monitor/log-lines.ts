import { compilePattern } from "../../checklist/pattern.js";
import { linesFromEnd } from "./lines-from-end.js";

export interface LogQuery {
	readonly file: string;
	readonly pattern: string;
	readonly window?: { readonly lines?: number; readonly last?: number };
}

export interface LogReading {
	/** Lines that match the pattern within the window. */
	readonly value: number;
	/** Lines read. */
	readonly count: number;
}

/**
 * A time stamp at the start of a log line, as logging libraries write it:
 * `2026-01-14 11:41:27,123`, `[2026-01-14T11:41:27Z]`. Without a zone it is local time.
 */
const STAMP = /^\W{0,2}(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:[.,](\d{1,9}))?\s*(Z|[+-]\d{2}:?\d{2})?/;

/** The time a line is stamped with, in ms; undefined for a line without one (a traceback's). */
export function stampOf(line: string): number | undefined {
	const match = STAMP.exec(line);
	if (!match) return undefined;
	const fraction = match[3] ? `.${match[3].slice(0, 3).padEnd(3, "0")}` : "";
	const zone = match[4] ? (match[4] === "Z" ? "Z" : match[4].replace(/^([+-]\d{2})(\d{2})$/, "$1:$2")) : "";
	const parsed = Date.parse(`${match[1]}T${match[2]}${fraction}${zone}`);
	return Number.isNaN(parsed) ? undefined : parsed;
}

/**
 * Counts the lines of a log that match a pattern: all of them, the last N lines, or those of
 * the last duration by their time stamps. A line without a stamp belongs to the entry above
 * it (a traceback under its error). Read from the end, so a large log is never loaded whole.
 */
export function countLogLines(query: LogQuery, now: Date): LogReading {
	const pattern = compilePattern(query.pattern);
	const maxLines = query.window?.lines ?? Number.POSITIVE_INFINITY;
	const cutoff = query.window?.last === undefined ? undefined : now.getTime() - query.window.last;
	let matched = 0;
	let read = 0;
	// Matches below a stamped line are counted once that line says whether they are in the window.
	let unstamped = 0;
	let stampSeen = false;
	for (const line of linesFromEnd(query.file)) {
		if (read >= maxLines) break;
		read++;
		const hit = pattern.test(line) ? 1 : 0;
		if (cutoff === undefined) {
			matched += hit;
			continue;
		}
		const at = stampOf(line);
		if (at === undefined) {
			unstamped += hit;
			continue;
		}
		stampSeen = true;
		if (at < cutoff) {
			unstamped = 0;
			break;
		}
		matched += hit + unstamped;
		unstamped = 0;
	}
	if (cutoff !== undefined && !stampSeen && read > 0)
		throw new Error(
			`no time stamps in ${query.file}: window.last needs lines that start with one, such as 2026-01-14 11:41:27`,
		);
	// Lines above the log's first stamp have no time: they are not known to be in the window.
	return { value: matched, count: read };
}
