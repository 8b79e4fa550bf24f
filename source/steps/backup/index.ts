import { statSync } from "node:fs";
import { resolve } from "node:path";
import type { BackupEntry } from "../../session/manifest.js";
import type { StepKindModule } from "../kind.js";
import { runBackup } from "./backup.js";

/** What a backup step leaves: the files copied, or in a dry run what it would copy. */
export interface BackupEvidence {
	readonly kind: "backup";
	readonly files?: readonly BackupEntry[];
	readonly planned?: readonly string[];
}

export const backup: StepKindModule<"backup", BackupEvidence> = {
	kind: "backup",
	mode: "run",
	afterNoGo: false,
	asksYes: false,
	critical: (step) => step.critical === true,
	execute: runBackup,
	touches: (step) => step.paths.map((path) => ({ action: "back up" as const, path })),
	longestMs: () => 0,
	preview(step, baseDir) {
		const optional = new Set(step.optional ?? []);
		return {
			lines: [
				{ text: "Will copy into the session's backups:" },
				...step.paths.map((path) => {
					const full = resolve(baseDir, path);
					const stat = statSync(full, { throwIfNoEntry: false });
					if (stat) return { text: `  ${full} ${stat.isDirectory() ? "folder" : `${stat.size} bytes`}` };
					return optional.has(path)
						? { text: `  ${full} absent (optional)`, tone: "dim" as const }
						: { text: `  ${full} MISSING`, tone: "bad" as const };
				}),
			],
		};
	},
	evidence: (recorded) =>
		(recorded as { kind?: string } | undefined)?.kind === "backup" ? (recorded as BackupEvidence) : undefined,
	details(evidence) {
		if (evidence.planned) return evidence.planned.map((line) => `would copy ${line}`);
		return (evidence.files ?? []).map((file) =>
			file.absent
				? `${file.source} absent`
				: `${file.source} ${file.size} bytes sha256 ${file.sha256?.slice(0, 12)}…`,
		);
	},
};
