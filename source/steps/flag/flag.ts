import { accessSync, constants, existsSync, readFileSync, realpathSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { createTwoFilesPatch } from "diff";
import { flagFormat } from "../../checklist/flag-format.js";
import type { Step } from "../../checklist/schema.js";
import { writeFileAtomicSync } from "../../session/atomic.js";
import { sha256 } from "../../session/canonical.js";
import { latestBackupOf } from "../../session/manifest.js";
import { runCommand } from "../command/command.js";
import type { StepContext, StepOutcome } from "../context.js";
import {
	decodeBytes,
	type Editor,
	type EditResult,
	encodeBytes,
	type FlagValue,
	flagKeyLabel,
	flagPath,
	type Previous,
} from "./edit.js";
import { editEnv, locateEnv, removeEnv } from "./env-edit.js";
import { editJson, locateJson, removeJson } from "./json-edit.js";
import { editYaml, locateYaml, removeYaml } from "./yaml-edit.js";

type FlagStep = Extract<Step, { kind: "flag" }>;

/** The exact-bytes editors by file format: read one value, set it, or remove one key. */
export const EDITORS: Readonly<Record<"yaml" | "json" | "env", Editor>> = {
	yaml: { locate: locateYaml, edit: editYaml, remove: removeYaml },
	json: { locate: locateJson, edit: editJson, remove: removeJson },
	env: { locate: locateEnv, edit: editEnv, remove: removeEnv },
};

/** What a flag change did; the rollback plan reverts from this. */
export type FlagEvidence = {
	readonly file: string;
	/** The key as people read it: `a.b`, or a JSON list when a segment holds a dot. */
	readonly key: string;
	readonly document?: number;
	readonly value: FlagValue;
	readonly previous: Previous;
	readonly diff: string;
	readonly noop: boolean;
};

/** The file's bytes as text that gives back every byte, even ones that are not UTF-8. */
export function readText(file: string): string {
	return decodeBytes(readFileSync(file));
}

/** Why a file cannot be written in place, or undefined when it can. */
export function notWritable(file: string): string | undefined {
	const mode = statSync(file).mode;
	// Root may write anything, and an atomic rename replaces even a 0444 file: ask the mode itself.
	if ((mode & 0o222) === 0)
		return `${file} is read-only (mode ${(mode & 0o777).toString(8).padStart(4, "0")}): make it writable first if it is meant to change`;
	try {
		accessSync(file, constants.W_OK);
	} catch {
		return `${file} is not writable by this user`;
	}
	return undefined;
}

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
	const before = readText(file);
	const format = flagFormat(step.file, step.format);
	if (step.document !== undefined && format !== "yaml")
		return {
			file,
			before,
			edit: { ok: false, reason: "document: picks a document of a YAML file; this file is not YAML" },
		};
	const edit = EDITORS[format].edit(
		before,
		flagPath(step.key),
		step.value,
		step.create === true,
		step.document,
	);
	const locked = edit.ok && !edit.noop ? notWritable(file) : undefined;
	return { file, before, edit: locked ? { ok: false, reason: locked } : edit };
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
	const key = flagKeyLabel(step.key);
	const pending = pendingWrite(ctx);
	// An earlier run was cut off after announcing this write: the file tells whether it happened.
	const previous = edit.noop && pending ? (pending.from as Previous) : edit.previous;
	const diff = edit.noop ? "" : flagDiff(file, before, edit.text);
	const evidence: FlagEvidence = {
		file,
		key,
		...(step.document === undefined ? {} : { document: step.document }),
		value: step.value,
		previous,
		diff,
		noop: edit.noop && !pending,
	};
	if (ctx.dryRun) {
		return {
			status: "skipped",
			reason: `dry run: would ${edit.noop ? "leave" : "change"} ${key} in ${file}`,
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
		const bytes = encodeBytes(edit.text);
		ctx.record(
			{ stepId: step.id, action: "flag-write", detail: { file, key, from: previous, to: step.value } },
			"intent",
		);
		writeFileAtomicSync(file, bytes);
		ctx.record({ stepId: step.id, action: "flag-write", result: { sha256: sha256(bytes) } }, "effect");
	} else if (pending) {
		ctx.record(
			{
				stepId: step.id,
				action: "flag-write",
				result: { sha256: sha256(readFileSync(file)), found: "already written" },
			},
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
