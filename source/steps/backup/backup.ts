import { chmodSync, cpSync, existsSync, lstatSync, readdirSync, realpathSync, statSync } from "node:fs";
import { basename, join, relative, resolve } from "node:path";
import type { Step } from "../../checklist/schema.js";
import { makeSessionDir, sessionModes } from "../../session/atomic.js";
import { hashFile } from "../../session/hash.js";
import type { BackupEntry } from "../../session/manifest.js";
import { appendManifest } from "../../session/manifest.js";
import type { StepContext, StepOutcome } from "../context.js";

type BackupStep = Extract<Step, { kind: "backup" }>;

/**
 * Copies each path (files and folders, recursively; a link as the file it points to) into
 * the session's backups/, with a SHA-256 and the source's mode of every file in the manifest;
 * the copies are readable by their owner only. A copy is never overwritten:
 * each attempt gets its own folder. Missing optional paths are recorded as absent.
 */
export async function runBackup(step: BackupStep, ctx: StepContext): Promise<StepOutcome> {
	const optional = new Set(step.optional ?? []);
	const missing: string[] = [];
	const entries: BackupEntry[] = [];
	const planned: string[] = [];
	for (const [index, path] of step.paths.entries()) {
		const source = resolve(ctx.baseDir, path);
		if (!existsSync(source)) {
			if (optional.has(path)) entries.push({ stepId: step.id, source, absent: true });
			else missing.push(path);
			continue;
		}
		// A link is backed up as what it points to, and both paths are recorded: the rollback
		// writes back only where the link led at backup time.
		const real = realpathSync(source);
		const backup = join("backups", step.id, String(ctx.attempt), `${index}-${basename(source)}`);
		if (ctx.dryRun) {
			planned.push(real === source ? `${source} → ${backup}` : `${source} (→ ${real}) → ${backup}`);
			continue;
		}
		const target = join(ctx.sessionDir, backup);
		if (existsSync(target)) {
			return { status: "failed", reason: `${backup} already exists; a backup is never overwritten` };
		}
		ctx.record(
			{
				stepId: step.id,
				action: "backup",
				detail: { source, ...(real === source ? {} : { realPath: real }), backup },
			},
			"intent",
		);
		makeSessionDir(join(target, ".."));
		cpSync(real, target, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
		const copied = filesUnder(target).map((file): BackupEntry => {
			const inside = relative(target, file);
			// The source's mode is recorded for the restore; the copy itself is private.
			const stat = statSync(inside ? join(real, inside) : real);
			chmodSync(file, sessionModes().file);
			return {
				stepId: step.id,
				source: inside ? join(source, inside) : source,
				realPath: inside ? join(real, inside) : real,
				backup: relative(ctx.sessionDir, file),
				size: stat.size,
				mode: stat.mode & 0o7777,
				sha256: hashFile(file),
			};
		});
		privateFolders(target);
		entries.push(...copied);
		ctx.record({ stepId: step.id, action: "backup", result: { source, files: copied.length } }, "effect");
	}
	if (ctx.dryRun) {
		if (missing.length > 0)
			return { status: "failed", reason: `missing: ${missing.join(", ")}`, evidence: { planned } };
		return {
			status: "skipped",
			reason: `dry run: would back up ${planned.length} path(s)`,
			evidence: { planned },
		};
	}
	appendManifest(ctx.sessionDir, entries);
	const files = entries.filter((entry) => !entry.absent);
	const evidence = { files: entries };
	const metrics = {
		files: files.length,
		bytes: files.reduce((total, entry) => total + (entry.size ?? 0), 0),
	};
	if (missing.length > 0) {
		return { status: "failed", reason: `missing: ${missing.join(", ")}`, metrics, evidence };
	}
	return { status: "passed", metrics, evidence };
}

/** Folders copied into the session get the session's folder mode, not their source's. */
function privateFolders(path: string): void {
	const stat = lstatSync(path);
	if (!stat.isDirectory()) return;
	chmodSync(path, sessionModes().dir);
	for (const name of readdirSync(path)) privateFolders(join(path, name));
}

/** Regular files below a path (the path itself when it is a file); links are kept, not followed. */
function filesUnder(path: string): string[] {
	const stat = lstatSync(path);
	if (!stat.isDirectory()) return stat.isFile() ? [path] : [];
	return readdirSync(path).flatMap((name) => filesUnder(join(path, name)));
}
