import { MissingSecretError, withSecrets } from "../checklist/interpolate.js";
import type { Step } from "../checklist/schema.js";
import { runBackup } from "../steps/backup/backup.js";
import { runCommand } from "../steps/command/command.js";
import type { StepContext, StepOutcome } from "../steps/context.js";
import { runFlag } from "../steps/flag/flag.js";
import { runMonitor } from "../steps/monitor/monitor.js";

/** Runs a step that needs no answer from the operator. */
export async function executeStep(recorded: Step, ctx: StepContext): Promise<StepOutcome> {
	let step: Step;
	try {
		step = withSecrets(recorded, ctx.secrets ?? new Map());
	} catch (error) {
		if (error instanceof MissingSecretError) return { status: "failed", reason: error.message };
		throw error;
	}
	switch (step.kind) {
		case "backup":
			return runBackup(step, ctx);
		case "flag":
			return runFlag(step, ctx);
		case "command":
			return runCommand(step, ctx);
		case "monitor":
			return runMonitor(step, ctx);
		default:
			return { status: "failed", reason: `${step.kind} steps are answered, not run` };
	}
}
