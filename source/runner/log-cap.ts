import {
	closeSync,
	openSync,
	readFileSync,
	readSync,
	renameSync,
	rmSync,
	statSync,
	writeFileSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import { tempNameFor } from "../session/atomic.js";

/** 50 MB unless ROLLOUT_LOG_MAX_BYTES says otherwise (bytes, or with a k, M or G suffix). */
export const DEFAULT_LOG_MAX_BYTES = parseSize(process.env.ROLLOUT_LOG_MAX_BYTES) ?? 50 * 1024 * 1024;

/** The smallest cap accepted, so a typo cannot make every log a single marker line. */
const MIN_LOG_BYTES = 64 * 1024;

/** `52428800`, `50M`, `512k`, `1G` (binary units); undefined when unset or unreadable. */
export function parseSize(text: string | undefined): number | undefined {
	const match = /^\s*(\d+(?:\.\d+)?)\s*([kmg]?)i?b?\s*$/i.exec(text ?? "");
	if (!match) return undefined;
	const unit = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(match[2] ?? "").toLowerCase()] ?? 1;
	return Math.max(Math.round(Number(match[1]) * unit), MIN_LOG_BYTES);
}

/**
 * Joins a log's set-aside half (`held`) and its current file into one log holding their last
 * `keep` bytes (from a line start) behind one line saying how much output was cut in all;
 * written beside the log and renamed over it, so a crash leaves either both halves or the
 * joined log. `dropped`: bytes of halves set aside before `held`, already gone.
 */
export function joinTail(path: string, held: string, keep: number, dropped: number): { cutBytes: number } {
	const current = readFileSync(path);
	const fromHeld = Math.max(0, keep - current.length);
	const heldSize = statSync(held).size;
	const take = Math.min(fromHeld, heldSize);
	const head = Buffer.alloc(take);
	const fd = openSync(held, "r");
	try {
		readSync(fd, head, 0, take, heldSize - take);
	} finally {
		closeSync(fd);
	}
	const joined = Buffer.concat([
		head,
		current.length > keep ? current.subarray(current.length - keep) : current,
	]);
	const lineStart = joined.indexOf(10);
	const kept = lineStart >= 0 && lineStart < joined.length - 1 ? joined.subarray(lineStart + 1) : joined;
	const cutBytes = dropped + heldSize + current.length - kept.length;
	const marker = `[rollout: ${formatBytes(cutBytes)} of earlier output cut here: the log keeps its last ${formatBytes(keep)} (ROLLOUT_LOG_MAX_BYTES)]\n`;
	const temp = join(dirname(path), tempNameFor(basename(path), 0));
	try {
		writeFileSync(temp, Buffer.concat([Buffer.from(marker), kept]));
		renameSync(temp, path);
		rmSync(held, { force: true });
	} catch (error) {
		rmSync(temp, { force: true });
		throw error;
	}
	return { cutBytes };
}

/** 1.2 MB, 512 KB, 900 bytes. */
export function formatBytes(bytes: number): string {
	if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
	if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
	return `${bytes} bytes`;
}
