import { closeSync, fstatSync, fsyncSync, openSync, readSync, writeSync } from "node:fs";
import { canonicalJson, recordHash, sha256 } from "./canonical.js";
import { GENESIS_HASH, type SessionRecord } from "./events.js";

/** The first record that breaks the chain, by 1-based line number. */
export interface LogProblem {
	readonly line: number;
	readonly reason: string;
}

/** What reading a log found, apart from its records. */
export interface LogScan {
	/** How many records hold, up to the first break. */
	readonly count: number;
	/** Bytes after the last newline: a record whose write never finished. */
	readonly tornTail?: { readonly offset: number; readonly bytes: number };
	readonly problem?: LogProblem;
}

export interface LogContents extends Omit<LogScan, "count"> {
	readonly records: readonly SessionRecord[];
}

/** Reads `events.jsonl` and checks every record: JSON, seq, prev, hash, time order. Stops at the first break. */
export function readLog(path: string): LogContents {
	const records: SessionRecord[] = [];
	const { count: _count, ...scan } = scanLog(path, (record) => records.push(record));
	return { records, ...scan };
}

/**
 * Reads and checks the log as `readLog` does, handing each good record to `visit` and keeping
 * none, for a reader that needs the records only once (verify). The file is read a block at a
 * time into one buffer (fresh memory for a whole log of megabytes costs more than reading it),
 * and lines are decoded one by one: a single character outside ASCII in a long log would
 * otherwise make the whole text a two-byte string, slower to split, parse and hash.
 */
export function scanLog(path: string, visit: (record: SessionRecord, index: number) => void): LogScan {
	const fd = openSync(path, "r");
	try {
		let buffer = Buffer.allocUnsafe(BLOCK_BYTES);
		// Bytes in the buffer, and where the line not yet read starts; offset: that line's place in the file.
		let filled = 0;
		let start = 0;
		let offset = 0;
		let previous: { hash: string; time: number } | undefined;
		let index = 0;
		for (;;) {
			if (start > 0) {
				buffer.copyWithin(0, start, filled);
				filled -= start;
				offset += start;
				start = 0;
			}
			// A line longer than the buffer (the checklist in the first record can be): a bigger buffer.
			if (filled === buffer.length) {
				const bigger = Buffer.allocUnsafe(buffer.length * 2);
				buffer.copy(bigger, 0, 0, filled);
				buffer = bigger;
			}
			const read = readSync(fd, buffer, filled, buffer.length - filled, null);
			if (read === 0) break;
			filled += read;
			for (let stop = buffer.indexOf(NEWLINE, start); stop >= 0 && stop < filled; index++) {
				const checked = checkRecord(buffer.toString("utf8", start, stop), index, previous);
				if (typeof checked === "string") {
					return { count: index, tornTail: tornTailOf(fd), problem: { line: index + 1, reason: checked } };
				}
				visit(checked.record, index);
				previous = { hash: checked.record.hash, time: checked.time };
				start = stop + 1;
				stop = buffer.indexOf(NEWLINE, start);
			}
		}
		const rest = filled - start;
		return { count: index, tornTail: rest > 0 ? { offset: offset + start, bytes: rest } : undefined };
	} finally {
		closeSync(fd);
	}
}

const BLOCK_BYTES = 256 * 1024;

/** Bytes after the file's last newline: read back from its end a block at a time. */
function tornTailOf(fd: number): LogScan["tornTail"] {
	const size = fstatSync(fd).size;
	const block = Buffer.allocUnsafe(BLOCK_BYTES);
	for (let end = size; end > 0; end -= block.length) {
		const from = Math.max(0, end - block.length);
		const read = readSync(fd, block, 0, end - from, from);
		const newline = block.lastIndexOf(NEWLINE, read - 1);
		if (newline >= 0) {
			const tail = size - (from + newline + 1);
			return tail > 0 ? { offset: from + newline + 1, bytes: tail } : undefined;
		}
	}
	return size > 0 ? { offset: 0, bytes: size } : undefined;
}

const NEWLINE = 0x0a;

function checkRecord(
	line: string,
	index: number,
	previous: { readonly hash: string; readonly time: number } | undefined,
): { record: SessionRecord; time: number } | string {
	let record: Record<string, unknown>;
	try {
		record = JSON.parse(line);
	} catch {
		return "not valid JSON";
	}
	if (record === null || typeof record !== "object" || Array.isArray(record)) return "not a record";
	for (const field of ["seq", "at", "type", "prev", "hash"]) {
		if (!(field in record)) return `no "${field}" field`;
	}
	if (record.seq !== index)
		return `seq is ${String(record.seq)}, expected ${index} (a record is missing or out of order)`;
	if (record.prev !== (previous?.hash ?? GENESIS_HASH)) {
		return index === 0 ? "prev is not the genesis hash" : `prev does not match the hash of line ${index}`;
	}
	if (lineHash(line) !== record.hash && recordHash(record) !== record.hash)
		return "hash does not match the record (it was edited)";
	const at = Date.parse(String(record.at));
	if (Number.isNaN(at)) return `bad timestamp ${JSON.stringify(record.at)}`;
	if (previous && at < previous.time) return `timestamp ${String(record.at)} is earlier than line ${index}'s`;
	return { record: record as unknown as SessionRecord, time: at };
}

/**
 * The hash of a line written as canonical JSON, taken from the text itself: the line without
 * its hash field, which spares sorting every record's keys again. Undefined for a line with no
 * hash field where rollout writes one: the caller then hashes the parsed record, so the result
 * is the same either way.
 */
function lineHash(line: string): string | undefined {
	const at = line.lastIndexOf(HASH_FIELD);
	const end = at + HASH_FIELD.length + 65;
	if (at < 0 || line.charCodeAt(end - 1) !== QUOTE) return undefined;
	return sha256(line.slice(0, at) + line.slice(end));
}

/** Canonical JSON puts a record's own fields after `data`: its hash (64 hex digits), prev, seq, type. */
const HASH_FIELD = ',"hash":"';
const QUOTE = 0x22;

/**
 * Appends records with one write each, so a crash leaves at most one torn line; a durable
 * record is fsynced, with every record written before it.
 */
export class LogWriter {
	private readonly fd: number;
	private unsynced = false;

	constructor(path: string) {
		this.fd = openSync(path, "a");
	}

	/** Returns the line written: the record's canonical JSON. */
	append(record: SessionRecord, durable = true): string {
		const line = canonicalJson(record);
		const bytes = Buffer.from(`${line}\n`);
		let written = 0;
		while (written < bytes.length) written += writeSync(this.fd, bytes, written);
		if (durable) fsyncSync(this.fd);
		this.unsynced = !durable;
		return line;
	}

	close(): void {
		if (this.unsynced) fsyncSync(this.fd);
		closeSync(this.fd);
	}
}
