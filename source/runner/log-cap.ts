import { closeSync, openSync, readSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
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
 * Keeps the last `keep` bytes of a log (from a line start) behind one line saying how much
 * output was cut so far; written beside the log and renamed over it, so a crash leaves
 * either the whole old log or the cut one.
 */
export function cutToTail(path: string, keep: number, cutBefore: number): { cutBytes: number; size: number } {
	const size = statSync(path).size;
	const buffer = Buffer.alloc(Math.min(keep, size));
	const fd = openSync(path, "r");
	try {
		readSync(fd, buffer, 0, buffer.length, size - buffer.length);
	} finally {
		closeSync(fd);
	}
	const lineStart = buffer.indexOf(10);
	const kept = lineStart >= 0 && lineStart < buffer.length - 1 ? buffer.subarray(lineStart + 1) : buffer;
	// An earlier marker is part of what is cut: the new one counts everything cut so far.
	const cutBytes = size - kept.length;
	const marker = `[rollout: ${formatBytes(cutBefore + cutBytes)} of earlier output cut here: the log keeps its last ${formatBytes(keep)} (ROLLOUT_LOG_MAX_BYTES)]\n`;
	const temp = join(dirname(path), tempNameFor(basename(path), 0));
	try {
		writeFileSync(temp, Buffer.concat([Buffer.from(marker), kept]));
		renameSync(temp, path);
	} catch (error) {
		rmSync(temp, { force: true });
		throw error;
	}
	return { cutBytes, size: marker.length + kept.length };
}

/** 1.2 MB, 512 KB, 900 bytes. */
export function formatBytes(bytes: number): string {
	if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
	if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
	return `${bytes} bytes`;
}
