import { existsSync, lstatSync, readFileSync, readlinkSync, realpathSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { withSecrets } from "../checklist/interpolate.js";
import { describeAction, type RollbackAction } from "../report/rollback-plan.js";
import { writeFileAtomicSync } from "../session/atomic.js";
import { hashFile } from "../session/hash.js";
import type { StepContext, StepOutcome } from "../steps/context.js";
import { revertFlag as revertFlagFile } from "../steps/flag/revert.js";
import { moduleOf } from "../steps/registry.js";

/** How one rollback action ended. */
export interface ActionResult {
	readonly status: "done" | "already" | "skipped" | "failed";
	readonly detail?: string;
}

/** Colours for a result line; none by default. */
export type Paint = Readonly<Record<"green" | "dim" | "red", (text: string) => string>>;

const plain = (text: string) => text;
const MARK = { done: "✓", already: "=", skipped: "-", failed: "✗" } as const;

/** One line per rollback action: mark, what it did, how it ended. */
export function formatResult(
	action: RollbackAction,
	result: ActionResult,
	c: Paint = { green: plain, dim: plain, red: plain },
): string {
	const paint = { done: c.green, already: c.dim, skipped: c.dim, failed: c.red }[result.status];
	const word = { done: "done", already: "already done", skipped: "skipped", failed: "failed" }[result.status];
	return `${paint(MARK[result.status])} ${describeAction(action)} — ${paint(word)}${result.detail ? `: ${result.detail}` : ""}`;
}

/** Asks the operator before an action; `--yes` answers yes to all. */
export type Confirm = (description: string) => Promise<boolean>;

/**
 * Carries out one action of the plan. Every action can run twice: a restored file is
 * recognised by its checksum, a reverted flag by its value, so a second rollback is safe.
 */
export async function carryOut(action: RollbackAction, ctx: StepContext): Promise<ActionResult> {
	switch (action.kind) {
		case "restore":
			return restore(action, ctx);
		case "revert-flag":
			return revertFlag(action, ctx);
		case "step":
			return runStep(action.step, ctx);
	}
}

function restore(action: Extract<RollbackAction, { kind: "restore" }>, ctx: StepContext): ActionResult {
	const copy = join(ctx.sessionDir, action.backup);
	if (!existsSync(copy)) return { status: "failed", detail: `the backup ${copy} is missing` };
	if (hashFile(copy) !== action.sha256) {
		return {
			status: "failed",
			detail: `the backup ${copy} does not match its checksum: refusing to restore from it`,
		};
	}
	const target = action.realPath ?? action.source;
	const now = whereItLeads(action.source);
	// A link planted after the backup would turn the restore into a write somewhere else.
	if (action.realPath ? now !== action.realPath : now !== action.source && isLink(action.source)) {
		return {
			status: "failed",
			detail: `${action.source} now leads to ${now}, not to ${target} as when it was backed up: refusing to write through it`,
		};
	}
	if (existsSync(target) && hashFile(target) === action.sha256) {
		return { status: "already", detail: "the file already matches its backup" };
	}
	if (ctx.dryRun) return { status: "skipped", detail: "dry run" };
	writeFileAtomicSync(target, readFileSync(copy), action.mode);
	return { status: "done" };
}

/** The real path a path leads to now, also when it or its file is missing (a dangling link leads to its target). */
function whereItLeads(path: string, hops = 0): string {
	try {
		return realpathSync(path);
	} catch {
		const link = isLink(path) ? resolve(dirname(path), readlinkSync(path)) : path;
		if (link !== path && hops < 40) return whereItLeads(link, hops + 1);
		try {
			return join(realpathSync(dirname(path)), basename(path));
		} catch {
			return path;
		}
	}
}

function isLink(path: string): boolean {
	try {
		return lstatSync(path).isSymbolicLink();
	} catch {
		return false;
	}
}

function revertFlag(
	action: Extract<RollbackAction, { kind: "revert-flag" }>,
	ctx: StepContext,
): ActionResult {
	// The file was recorded by its real path: a link there now was planted after the rollout.
	if (existsSync(action.file) && isLink(action.file))
		return {
			status: "failed",
			detail: `${action.file} is a symbolic link now: refusing to write through it`,
		};
	return revertFlagFile(action, ctx.dryRun);
}

async function runStep(
	step: Extract<RollbackAction, { kind: "step" }>["step"],
	ctx: StepContext,
): Promise<ActionResult> {
	const module = moduleOf(step);
	if (!module.execute)
		return {
			status: "skipped",
			detail: `a person checks this: ${module.preview(step as never, ctx.baseDir).lines[0]?.text ?? step.title}`,
		};
	const outcome: StepOutcome = await module.execute(
		withSecrets(step, ctx.secrets ?? new Map()) as never,
		ctx,
	);
	if (outcome.status === "passed") return { status: "done" };
	if (outcome.status === "skipped") return { status: "skipped", detail: outcome.reason };
	return { status: "failed", detail: outcome.reason ?? outcome.status };
}
