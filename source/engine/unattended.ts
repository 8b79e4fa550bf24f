import type { Step } from "../checklist/schema.js";
import type { Outcome } from "../session/events.js";
import { blockingStep, isDone } from "../session/rules.js";
import type { StepOutcome } from "../steps/context.js";
import { moduleOf } from "../steps/registry.js";
import type { Answers } from "./answers.js";
import type { Engine } from "./engine.js";

/** One step's line in an unattended run. */
export interface StepReport {
	readonly stepId: string;
	readonly kind: string;
	readonly outcome: StepOutcome;
	readonly durationMs: number;
}

export interface UnattendedResult {
	readonly decision?: Outcome;
	readonly interrupted: boolean;
}

/**
 * Walks a session to its end with no one at the keyboard: runs what runs, answers prompts
 * and sign-offs from the answers file (a missing answer fails the step, it never waits),
 * and after a critical failure runs nothing more but the decision.
 */
export async function runUnattended(
	engine: Engine,
	answers: Answers,
	options: { signal: AbortSignal; report: (line: StepReport) => void },
): Promise<UnattendedResult> {
	const reported = new Set(
		engine.steps.filter(({ step }) => isDone(engine.state.results[step.id])).map(({ step }) => step.id),
	);
	for (let placed = engine.current(); placed; placed = engine.current()) {
		const { step } = placed;
		const started = performance.now();
		const settledBefore = engine.settled.length;
		// After a failed critical step a real run changes nothing more (a dry run walks on: nothing blocks it).
		const outcome =
			engine.skipUnattended(step.id) ?? (await answerOrRun(engine, step, answers, options.signal));
		options.report({ stepId: step.id, kind: step.kind, outcome, durationMs: performance.now() - started });
		reported.add(step.id);
		if (outcome.status === "interrupted" || options.signal.aborted) return { interrupted: true };
		// Steps the engine settled on its own meanwhile (a NO-GO skips what would change anything) are reported too.
		for (const stepId of engine.settled.slice(settledBefore)) {
			const result = engine.state.results[stepId];
			if (reported.has(stepId) || !isDone(result) || !result) continue;
			reported.add(stepId);
			const { status, reason } = result;
			if (status === "passed" || status === "failed" || status === "skipped")
				options.report({
					stepId,
					kind: engine.placed(stepId).step.kind,
					outcome: { status, reason },
					durationMs: 0,
				});
		}
	}
	return { decision: engine.outcome()?.outcome, interrupted: false };
}

/** Does one step: prompts and sign-offs from the answers file, the decision as the rules say, the rest run. */
async function answerOrRun(
	engine: Engine,
	step: Step,
	answers: Answers,
	signal: AbortSignal,
): Promise<StepOutcome> {
	const mode = moduleOf(step).mode;
	if (mode === "prompt") {
		const answer = answers.prompt(step.id);
		return answer
			? engine.answer(step.id, answer.result, answer.notes, answer.values)
			: unanswered(engine, step.id, `no answer for ${step.id} in ${answers.file}`);
	}
	if (mode === "decision") {
		const { outcome } = engine.decide(step.id);
		return { status: outcome === "NO-GO" ? "failed" : "passed", reason: outcome };
	}
	if (mode === "signoff") {
		const approvals = answers.approvals(step.id);
		return approvals
			? signoffOrFail(engine, step.id, approvals)
			: unanswered(engine, step.id, `no approvals for ${step.id} in ${answers.file}`);
	}
	return engine.run(step.id, { signal });
}

/** A missing answer fails the step; in a dry run, where nothing is at stake, it is skipped. */
function unanswered(engine: Engine, stepId: string, reason: string): StepOutcome {
	return engine.state.dryRun ? engine.skip(stepId, `dry run: ${reason}`) : engine.fail(stepId, reason);
}

function signoffOrFail(
	engine: Engine,
	stepId: string,
	approvals: Parameters<Engine["signoff"]>[1],
): StepOutcome {
	try {
		return engine.signoff(stepId, approvals);
	} catch (error) {
		return engine.fail(stepId, (error as Error).message);
	}
}

/** A critical step that failed without an override, anywhere in the session. */
export function criticalFailure(engine: Engine): string | undefined {
	return blockingStep(engine.state)?.id;
}
