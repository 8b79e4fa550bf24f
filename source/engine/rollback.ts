import { existsSync, readFileSync, realpathSync } from "node:fs";
import { join } from "node:path";
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
	if (existsSync(action.source) && hashFile(action.source) === action.sha256) {
		return { status: "already", detail: "the file already matches its backup" };
	}
	if (ctx.dryRun) return { status: "skipped", detail: "dry run" };
	const target = existsSync(action.source) ? realpathSync(action.source) : action.source;
	writeFileAtomicSync(target, readFileSync(copy), action.mode);
	return { status: "done" };
}

function revertFlag(
	action: Extract<RollbackAction, { kind: "revert-flag" }>,
	ctx: StepContext,
): ActionResult {
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
	const outcome: StepOutcome = await module.execute(step as never, ctx);
	if (outcome.status === "passed") return { status: "done" };
	if (outcome.status === "skipped") return { status: "skipped", detail: outcome.reason };
	return { status: "failed", detail: outcome.reason ?? outcome.status };
}
