/**
 * The step kinds: the one place that knows them all. The engine, the reports and the screens
 * ask a step's module; nothing else tells kinds apart.
 */
import type { Step } from "../checklist/schema.js";
import { backup } from "./backup/index.js";
import { command } from "./command/index.js";
import { decision } from "./decision/index.js";
import { flag } from "./flag/index.js";
import type { StepKindModule, StepOf } from "./kind.js";
import { monitor } from "./monitor/index.js";
import { prompt } from "./prompt/index.js";
import { signoff } from "./signoff/index.js";

export const STEP_MODULES = { backup, flag, command, prompt, monitor, decision, signoff } as const;

type AnyModule = StepKindModule<Step["kind"], unknown>;

/** The module of a step's kind. */
export function moduleOf(step: Step): AnyModule {
	return STEP_MODULES[step.kind] as unknown as AnyModule;
}

/** The module of a recorded kind name (a step reference keeps only the name). */
export function moduleNamed(kind: string): AnyModule | undefined {
	return (STEP_MODULES as Record<string, unknown>)[kind] as AnyModule | undefined;
}

/** Whether the step, as written, blocks the rollout when it fails; a must-pass step always does. */
export function isCritical(step: Step): boolean {
	return step.must === true || moduleOf(step).critical(step as never);
}

/** The step with `~` expanded in the fields its kind reads as paths. */
export function expandPaths(step: Step, expand: (path: string) => string): Step {
	return moduleOf(step).expandPaths?.(step as never, expand) ?? step;
}

/** What doing the step will do, from the files as they are now. */
export function previewOf(step: Step, baseDir: string) {
	return moduleOf(step).preview(step as never, baseDir);
}

export { evidenceDetails } from "./evidence-details.js";
export type { StepOf };
