import { Box, Text } from "ink";
import type { PlacedStep } from "../../checklist/steps.js";
import type { SessionState, StepResult } from "../../session/reduce.js";
import { colorOf } from "../theme.js";

/**
 * The step's title on a line of its own, wrapped, so a long phase title never pushes it out;
 * under it, dimmed, the kind, critical or not, how often it was tried before, and the phase.
 */
export function StepTitle({
	placed,
	session,
	attempts = false,
}: {
	readonly placed: PlacedStep;
	readonly session: SessionState;
	/** Say how often the step was tried before (on the step screen). */
	readonly attempts?: boolean;
}) {
	const { step, section } = placed;
	const critical = isCritical(session, step.id);
	const result = session.results[step.id];
	const phase = "title" in section ? section.title : section.type;
	return (
		<Box flexDirection="column">
			<Text bold wrap="wrap">
				{step.title}
			</Text>
			<Text color={colorOf("dim")} wrap="truncate-end">
				{`${step.kind}${critical ? " · critical" : ""}${attempts ? attemptsNote(result) : ""} · ${phase}`}
			</Text>
		</Box>
	);
}

/** How often the step was tried before: only finished attempts count as done. */
export function attemptsNote(result: StepResult | undefined): string {
	if (!result || result.attempts === 0 || result.status === "running") return "";
	return result.status === "interrupted"
		? ` · cut off ${result.attempts}× before`
		: ` · done ${result.attempts}× before`;
}

/** Whether the session marked the step critical when it started. */
function isCritical(session: SessionState, stepId: string): boolean {
	return session.steps.find((ref) => ref.id === stepId)?.critical === true;
}
