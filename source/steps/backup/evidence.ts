import type { BackupEntry } from "../../session/manifest.js";
import type { EvidenceReader } from "../kind.js";

/** What a backup step leaves: the files copied, or in a dry run what it would copy. */
export interface BackupEvidence {
	readonly kind: "backup";
	readonly files?: readonly BackupEntry[];
	readonly planned?: readonly string[];
}

/** What a backup step's record says: each file copied with its size and checksum, or what a dry run would copy. */
export const backupEvidence: EvidenceReader<BackupEvidence> = {
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
