import { existsSync, readFileSync, realpathSync } from "node:fs";
import { resolve } from "node:path";
import { createTwoFilesPatch } from "diff";
import { flagFormat } from "../../checklist/rules.js";
import type { Step } from "../../checklist/schema.js";
import { writeFileAtomicSync } from "../../session/atomic.js";
import { sha256 } from "../../session/canonical.js";
import { latestBackupOf } from "../../session/manifest.js";
import { runCommand } from "../command/command.js";
import type { StepContext, StepOutcome } from "../context.js";
import type { EditResult, FlagValue, Previous } from "./edit.js";
import { editEnv, removeEnv } from "./env-edit.js";
import { editJson, removeJson } from "./json-edit.js";
import { editYaml, removeYaml } from "./yaml-edit.js";

type FlagStep = Extract<Step, { kind: "flag" }>;

/** The exact-bytes editors by file format: set one value, or remove one key. */
export const EDITORS = {
	yaml: { edit: editYaml, remove: removeYaml },
	json: { edit: editJson, remove: removeJson },
	env: { edit: editEnv, remove: removeEnv },
} as const;

/** What a flag change did; the rollback plan reverts from this. */
export type FlagEvidence = {
	readonly file: string;
	readonly key: string;
	readonly value: FlagValue;
	readonly previous: Previous;
	readonly diff: string;
	readonly noop: boolean;
};

/** The edit a flag step would make, without writing anything: for previews and dry runs. */
export function planFlag(
	step: FlagStep,
	baseDir: string,
): { file: string; edit: EditResult; before: string } {
	const given = resolve(baseDir, step.file);
	if (!existsSync(given))
		return { file: given, before: "", edit: { ok: false, reason: `${given} does not exist` } };
	// Write through a symlink to its target, so the link stays a link.
	const file = realpathSync(given);
	const before = readFileSync(file, "utf8");
	const edit = EDITORS[flagFormat(step.file, step.format)].edit(
		before,
		step.key.split("."),
		step.value,
		step.create === true,
	);
	return { file, edit, before };
}

/** The unified diff of a flag change, as recorded and as previewed. */
export function flagDiff(file: string, before: string, after: string): string {
	return createTwoFilesPatch(file, file, before, after, "before", "after");
}

/**
 * Changes exactly one value in a config file, atomically, keeping everything else byte for
 * byte; records the previous value and a unified diff; then runs `verify` if given.
 */
export async function runFlag(step: FlagStep, ctx: StepContext): Promise<StepOutcome> {
	const { file, edit, before } = planFlag(step, ctx.baseDir);
	if (!edit.ok) return { status: "failed", reason: edit.reason };
	const pending = pendingWrite(ctx);
	// An earlier run was cut off after announcing this write: the file tells whether it happened.
	const previous = edit.noop && pending ? (pending.from as Previous) : edit.previous;
	const diff = edit.noop ? "" : flagDiff(file, before, edit.text);
	const evidence: FlagEvidence = {
		file,
		key: step.key,
		value: step.value,
		previous,
		diff,
		noop: edit.noop && !pending,
	};
	if (ctx.dryRun) {
		return {
			status: "skipped",
			reason: `dry run: would ${edit.noop ? "leave" : "change"} ${step.key} in ${file}`,
			evidence,
		};
	}
	if (!edit.noop) {
		const backup = latestBackupOf(ctx.sessionDir, file);
		if (backup && backup.sha256 !== sha256(readFileSync(file))) {
			return {
				status: "failed",
				reason: `${file} changed since it was backed up in this session; back it up again before changing it`,
				evidence,
			};
		}
		ctx.record(
			{
				stepId: step.id,
				action: "flag-write",
				detail: { file, key: step.key, from: previous, to: step.value },
			},
			"intent",
		);
		writeFileAtomicSync(file, edit.text);
		ctx.record({ stepId: step.id, action: "flag-write", result: { sha256: sha256(edit.text) } }, "effect");
	} else if (pending) {
		ctx.record(
			{ stepId: step.id, action: "flag-write", result: { sha256: sha256(before), found: "already written" } },
			"effect",
		);
	}
	if (!step.verify) return { status: "passed", evidence };
	const verified = await runCommand(step.verify, ctx, `${step.id}.verify`);
	if (verified.status === "passed")
		return { status: "passed", evidence: { ...evidence, verify: verified.evidence } };
	return {
		...verified,
		reason: `verify: ${verified.reason ?? verified.status}`,
		evidence: { ...evidence, verify: verified.evidence },
	};
}

function pendingWrite(ctx: StepContext): { from: unknown } | undefined {
	const result = ctx.state.results[ctx.stepId];
	if (!result?.pendingEffects.includes("flag-write")) return undefined;
	return ctx.pendingDetail?.("flag-write") as { from: unknown } | undefined;
}
