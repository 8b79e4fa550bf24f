import { statSync } from "node:fs";
import { resolve } from "node:path";
import type { StepKindModule } from "../kind.js";
import { runBackup } from "./backup.js";
import { type BackupEvidence, backupEvidence } from "./evidence.js";

export type { BackupEvidence };

export const backup: StepKindModule<"backup", BackupEvidence> = {
	kind: "backup",
	mode: "run",
	afterNoGo: false,
	asksYes: false,
	critical: (step) => step.critical === true,
	execute: runBackup,
	expandPaths: (step, expand) => ({
		...step,
		paths: step.paths.map(expand),
		optional: step.optional?.map(expand),
	}),
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
	...backupEvidence,
};
