import { Box, Text, useStdout } from "ink";
import { rowsOf } from "../fit.js";
import type { BindingName, KeyTable } from "../key-bindings.js";
import { type ResultChoice, resultChoice } from "../result-choice.js";
import { colorOf } from "../theme.js";
import { useSession } from "../use-session.js";
import type { Wizard } from "../use-wizard.js";
import { Outcome } from "../views/step-details.js";
import { StepTitle } from "../views/step-title.js";
import type { Screen } from "../wizard-state.js";
import { bodyRows, commonKeys, ScreenFrame, type ScreenProps } from "./frame.js";

/** The keys each kind of result offers, in footer order. */
export const RESULT_KEYS: Record<ResultChoice, readonly (readonly [BindingName, string])[]> = {
	next: [["confirm", "go on"]],
	failed: [
		["confirm", "go on"],
		["retry", "retry"],
	],
	warned: [
		["confirm", "go on"],
		["rollback", "roll back"],
	],
	blocked: [
		["retry", "retry"],
		["override", "override"],
		["rollback", "abort & roll back"],
	],
	breach: [
		["rollback", "roll back"],
		["retry", "retry"],
		["override", "override"],
	],
};

/** What each kind of result says the operator may do. */
const SAYS: Record<ResultChoice, string> = {
	next: "Enter to go on.",
	blocked: "This critical step failed: t to retry, o to override with a reason, b to abort and roll back.",
	breach: "The monitor calls for a rollback: b to roll back, t to retry, o to override with a reason.",
	warned: "The monitor warned: Enter to go on, b to roll back.",
	failed: "Enter to go on, t to retry.",
};

type ResultView = Extract<Screen, { name: "result" }>;

export function resultKeys(wizard: Wizard, screen: ResultView, choice: ResultChoice): KeyTable {
	const { stepId } = screen;
	const act: Partial<Record<BindingName, () => void>> = {
		confirm: () => wizard.next(),
		retry: () => wizard.show({ name: "step", stepId }),
		override: () => wizard.show({ name: "reason", stepId, purpose: "override" }),
		rollback: () => wizard.askRollback(screen.outcome.reason ?? stepId),
	};
	return [
		...RESULT_KEYS[choice].map(([name, label]) => ({ name, label, run: act[name] ?? (() => {}) })),
		{ name: "log", label: "log", run: () => wizard.openLog(stepId) },
		...commonKeys(wizard),
	];
}

/** How a step ended, and what the operator may do about it. */
export function ResultScreen(props: ScreenProps & { readonly screen: ResultView }) {
	const { wizard, typing, screen } = props;
	const { engine } = wizard;
	const columns = useStdout().stdout.columns || 80;
	const session = useSession(engine);
	const placed = engine.placed(screen.stepId);
	const choice = resultChoice(engine, placed);
	const result = session.results[screen.stepId];
	// The outcome gets what the title, its kind line, two margins and the choice leave.
	const outcomeRows =
		bodyRows(props, columns) - 3 - rowsOf(placed.step.title, columns) - rowsOf(SAYS[choice], columns);
	return (
		<ScreenFrame keys={resultKeys(wizard, screen, choice)} typing={typing} message={wizard.state.message}>
			<StepTitle placed={placed} session={session} />
			<Box marginTop={1} flexDirection="column">
				<Outcome step={placed.step} outcome={screen.outcome} result={result} maxLines={outcomeRows} />
				<Box marginTop={1}>
					<Text
						bold
						wrap="wrap"
						color={colorOf(choice === "next" ? undefined : choice === "warned" ? "warn" : "bad")}
					>
						{SAYS[choice]}
					</Text>
				</Box>
			</Box>
		</ScreenFrame>
	);
}
