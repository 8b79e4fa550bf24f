import type { Outcome } from "../session/events.js";
import type { StepOutcome } from "../steps/context.js";
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
	let blockedBy: string | undefined = criticalFailure(engine);
	for (let placed = engine.current(); placed; placed = engine.current()) {
		const { step } = placed;
		const started = performance.now();
		let outcome: StepOutcome;
		if (blockedBy && step.kind !== "decision") {
			outcome = engine.skip(step.id, `not run: critical step ${blockedBy} failed`);
		} else if (!engine.applies(step)) {
			outcome = engine.skip(step.id, `when: ${step.when} is not set`);
		} else if (step.kind === "prompt") {
			const answer = answers.prompt(step.id);
			outcome = answer
				? engine.answer(step.id, answer.result, answer.notes)
				: unanswered(engine, step.id, `no answer for ${step.id} in ${answers.file}`);
		} else if (step.kind === "decision") {
			const decision = engine.decide(step.id);
			outcome = { status: "passed", reason: decision.outcome };
		} else if (step.kind === "signoff") {
			const approvals = answers.approvals(step.id);
			outcome = approvals
				? signoffOrFail(engine, step.id, approvals)
				: unanswered(engine, step.id, `no approvals for ${step.id} in ${answers.file}`);
		} else {
			outcome = await engine.run(step.id, { signal: options.signal });
		}
		options.report({ stepId: step.id, kind: step.kind, outcome, durationMs: performance.now() - started });
		if (outcome.status === "interrupted" || options.signal.aborted) return { interrupted: true };
		// A dry run changes nothing, so it walks on to show every step; a real run stops changing things.
		if (!blockedBy && !engine.state.dryRun && outcome.status === "failed" && isCritical(engine, step.id))
			blockedBy = step.id;
	}
	return { decision: engine.state.decision && outcomeOf(engine), interrupted: false };
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
	if (engine.state.dryRun) return undefined;
	return engine.state.steps.find(
		(ref) =>
			ref.critical &&
			engine.state.results[ref.id]?.status === "failed" &&
			!engine.state.results[ref.id]?.override,
	)?.id;
}

function isCritical(engine: Engine, stepId: string): boolean {
	return engine.state.steps.some((ref) => ref.id === stepId && ref.critical);
}

function outcomeOf(engine: Engine): Outcome {
	const status = engine.state.status;
	return status === "GO" || status === "GO WITH CONDITIONS" || status === "NO-GO" ? status : "NO-GO";
}
