import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { makeSessionDir, writeFileAtomicSync } from "./atomic.js";
import type { SessionRecord } from "./events.js";

/** One entry of `backups/manifest.json`: a file copied before the rollout touched it, or a path that was absent. */
export interface BackupEntry {
	readonly stepId: string;
	readonly source: string;
	/** The real path `source` led to when it was backed up (not `source` itself when it is a link). */
	readonly realPath?: string;
	/** Path of the copy, relative to the session folder. */
	readonly backup?: string;
	readonly size?: number;
	readonly mode?: number;
	readonly sha256?: string;
	readonly absent?: boolean;
}

export const MANIFEST = join("backups", "manifest.json");

/** The backups a session holds, oldest first. */
export function readManifest(sessionDir: string): BackupEntry[] {
	const path = join(sessionDir, MANIFEST);
	if (!existsSync(path)) return [];
	return (JSON.parse(readFileSync(path, "utf8")) as { entries: BackupEntry[] }).entries;
}

/** Adds entries to the manifest, rewriting it atomically. */
export function appendManifest(sessionDir: string, entries: readonly BackupEntry[]): void {
	makeSessionDir(join(sessionDir, "backups"));
	const all = [...readManifest(sessionDir), ...entries];
	writeFileAtomicSync(join(sessionDir, MANIFEST), `${JSON.stringify({ entries: all }, null, 2)}\n`);
}

/** The latest backup of a file in this session, if any. */
export function latestBackupOf(sessionDir: string, file: string): BackupEntry | undefined {
	return readManifest(sessionDir)
		.filter((entry) => (entry.source === file || entry.realPath === file) && !entry.absent)
		.at(-1);
}

/** A backup as the hash-chained log recorded it, with the log line that vouches for it. */
export interface RecordedBackup extends BackupEntry {
	readonly line: number;
}

/**
 * The backups the log vouches for: the files listed in the evidence of each finished backup
 * step. manifest.json is a copy that anyone can edit together with a backup; these checksums
 * sit in the hash chain, so restores and verify trust them.
 */
export function recordedBackups(records: readonly SessionRecord[]): RecordedBackup[] {
	const backups: RecordedBackup[] = [];
	for (const record of records) {
		if (!namesBackups(record)) continue;
		const { files } = (record.data as { evidence: { files: unknown[] } }).evidence;
		for (const entry of files) {
			if (isBackup(entry)) backups.push({ ...entry, line: record.seq + 1 });
		}
	}
	return backups;
}

function isBackup(entry: unknown): entry is BackupEntry {
	const candidate = entry as Partial<Record<keyof BackupEntry, unknown>> | null;
	return (
		typeof candidate === "object" &&
		candidate !== null &&
		typeof candidate.source === "string" &&
		typeof candidate.backup === "string" &&
		typeof candidate.sha256 === "string" &&
		candidate.absent !== true
	);
}

/** Whether a record may name backups: a finished step whose evidence lists files. */
export function namesBackups(record: SessionRecord): boolean {
	return (
		record.type === "step.finished" &&
		Array.isArray((record.data.evidence as { files?: unknown } | undefined)?.files)
	);
}
