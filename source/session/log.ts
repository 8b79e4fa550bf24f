import { closeSync, fsyncSync, openSync, readFileSync, writeSync } from "node:fs";
import { canonicalJson, recordHash, sha256 } from "./canonical.js";
import { GENESIS_HASH, type SessionRecord } from "./events.js";

/** The first record that breaks the chain, by 1-based line number. */
export interface LogProblem {
	readonly line: number;
	readonly reason: string;
}

export interface LogContents {
	readonly records: readonly SessionRecord[];
	/** Bytes after the last newline: a record whose write never finished. */
	readonly tornTail?: { readonly offset: number; readonly bytes: number };
	readonly problem?: LogProblem;
}

/** Reads `events.jsonl` and checks every record: JSON, seq, prev, hash, time order. Stops at the first break. */
export function readLog(path: string): LogContents {
	const text = readFileSync(path, "utf8");
	const end = text.lastIndexOf("\n") + 1;
	const tornTail =
		end < text.length
			? {
					offset: Buffer.byteLength(text.slice(0, end)),
					bytes: Buffer.byteLength(text.slice(end)),
				}
			: undefined;
	const lines = end === 0 ? [] : text.slice(0, end - 1).split("\n");
	const records: SessionRecord[] = [];
	for (const [index, line] of lines.entries()) {
		const reason = checkRecord(line, index, records[index - 1]);
		if (typeof reason === "string") return { records, tornTail, problem: { line: index + 1, reason } };
		records.push(reason);
	}
	return { records, tornTail };
}

function checkRecord(
	line: string,
	index: number,
	previous: SessionRecord | undefined,
): SessionRecord | string {
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
	const expectedPrev = previous?.hash ?? GENESIS_HASH;
	if (record.prev !== expectedPrev) {
		return index === 0 ? "prev is not the genesis hash" : `prev does not match the hash of line ${index}`;
	}
	if (lineHash(line) !== record.hash && recordHash(record) !== record.hash)
		return "hash does not match the record (it was edited)";
	const at = Date.parse(String(record.at));
	if (Number.isNaN(at)) return `bad timestamp ${JSON.stringify(record.at)}`;
	if (previous && at < Date.parse(previous.at))
		return `timestamp ${String(record.at)} is earlier than line ${index}'s`;
	return record as unknown as SessionRecord;
}

/** A record's own fields after `data`, as canonical JSON puts them: its hash, then prev, seq, type. */
const TAIL = /,"hash":"([0-9a-f]{64})"(,"prev":"[0-9a-f]{64}","seq":\d+,"type":"[a-z.-]+"\})$/;

/**
 * The hash of a line written as canonical JSON, taken from the text itself (the line without
 * its hash), which spares sorting every record's keys again. Undefined for a line written any
 * other way: the caller then hashes the parsed record, so the result is the same either way.
 */
function lineHash(line: string): string | undefined {
	const tail = TAIL.exec(line);
	return tail ? sha256(line.slice(0, tail.index) + tail[2]) : undefined;
}

/** Appends records with one write and one fsync each, so a crash leaves at most one torn line. */
export class LogWriter {
	private readonly fd: number;

	constructor(path: string) {
		this.fd = openSync(path, "a");
	}

	/** Returns the line written: the record's canonical JSON. */
	append(record: SessionRecord): string {
		const line = canonicalJson(record);
		const bytes = Buffer.from(`${line}\n`);
		let written = 0;
		while (written < bytes.length) written += writeSync(this.fd, bytes, written);
		fsyncSync(this.fd);
		return line;
	}

	close(): void {
		closeSync(this.fd);
	}
}
