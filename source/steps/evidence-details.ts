/**
 * What each step kind's recorded evidence says, for the records: the reports read a finished
 * session through these alone, so rendering one loads no runner, file editor or checklist schema.
 * Each kind's module carries the same reader, so the words are written once.
 */
import type { Step } from "../checklist/schema.js";
import { backupEvidence } from "./backup/evidence.js";
import { commandEvidence } from "./command/evidence.js";
import { decision } from "./decision/index.js";
import { flagEvidence } from "./flag/evidence.js";
import type { EvidenceReader } from "./kind.js";
import { monitorEvidence } from "./monitor/evidence.js";
import { prompt } from "./prompt/index.js";
import { signoff } from "./signoff/index.js";

const READERS: Readonly<Record<Step["kind"], EvidenceReader<unknown>>> = {
	backup: backupEvidence as EvidenceReader<unknown>,
	flag: flagEvidence as EvidenceReader<unknown>,
	command: commandEvidence as EvidenceReader<unknown>,
	prompt: prompt as EvidenceReader<unknown>,
	monitor: monitorEvidence as EvidenceReader<unknown>,
	decision: decision as EvidenceReader<unknown>,
	signoff: signoff as EvidenceReader<unknown>,
};

/** The report lines of a step's recorded evidence. */
export function evidenceDetails(kind: string, recorded: unknown): string[] {
	const reader = Object.hasOwn(READERS, kind) ? READERS[kind as Step["kind"]] : undefined;
	const evidence = reader?.evidence(recorded);
	return reader && evidence !== undefined ? reader.details(evidence) : [];
}
