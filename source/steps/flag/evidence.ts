import type { EvidenceReader } from "../kind.js";
import type { FlagEvidence } from "./flag.js";

/** What a flag step's record says: the key, its value before and after, in which file. */
export const flagEvidence: EvidenceReader<FlagEvidence & { readonly kind: "flag" }> = {
	evidence: (recorded) =>
		(recorded as { kind?: string } | undefined)?.kind === "flag"
			? (recorded as FlagEvidence & { readonly kind: "flag" })
			: undefined,
	details(evidence) {
		if (!evidence.key) return [];
		const before = evidence.previous?.present ? JSON.stringify(evidence.previous.value) : "absent";
		return [
			evidence.noop
				? `${evidence.key} was already ${JSON.stringify(evidence.value)}`
				: `${evidence.key}: ${before} → ${JSON.stringify(evidence.value)} in ${evidence.file}`,
		];
	},
};
