import { Box, Text, useStdout } from "ink";
import { useMemo, useState } from "react";
import { moduleOf, previewOf } from "../../steps/registry.js";
import { rowsOf } from "../fit.js";
import type { KeyTable } from "../key-bindings.js";
import { colorOf } from "../theme.js";
import { useSession } from "../use-session.js";
import { DecisionForm, type PromptChoice, PromptForm } from "../views/forms.js";
import { type SignoffEntry, SignoffForm, signoffProgress } from "../views/signoff-form.js";
import { StepPlan } from "../views/step-details.js";
import { isCritical, StepTitle } from "../views/step-title.js";
import { bodyRows, commonKeys, ScreenFrame, type ScreenProps } from "./frame.js";

const noop = () => {};

/** The step to do next: what it will do, and the one key that does it. */
export function StepScreen(props: ScreenProps & { readonly stepId: string }) {
	const { wizard, typing, stepId } = props;
	const { engine, state } = wizard;
	const columns = useStdout().stdout.columns || 80;
	const session = useSession(engine);
	const placed = engine.placed(stepId);
	const { step } = placed;
	const module = moduleOf(step);
	// Read once per step on screen: a flag's diff reads the file, which is not done while drawing.
	const preview = useMemo(() => previewOf(step, session.cwd), [step, session.cwd]);
	const proposed = useMemo(
		() => (module.mode === "decision" ? engine.proposeDecision(stepId) : undefined),
		[engine, module.mode, stepId],
	);
	const [choice, setChoice] = useState<PromptChoice>();
	const [entry, setEntry] = useState<SignoffEntry>({});
	const common = commonKeys(wizard);
	let keys: KeyTable = common;
	let body: React.ReactNode = null;

	if (step.kind === "prompt") {
		if (choice === undefined)
			keys = [
				{ name: "pass", label: "pass", run: () => setChoice("pass") },
				{ name: "fail", label: "fail", run: () => setChoice("fail") },
				{ name: "skip", label: "skip", run: () => setChoice("skip") },
				...common,
			];
		body = (
			<PromptForm
				step={step}
				choice={choice}
				onAnswer={(result, notes, values) => wizard.answer(stepId, result, notes, values)}
				onBack={() => setChoice(undefined)}
			/>
		);
	} else if (proposed) {
		keys = [
			{ name: "down", label: "choose", run: noop },
			{ name: "confirm", label: "select", run: noop },
			...common,
		];
		body = <DecisionForm proposed={proposed} onDecide={(picked) => wizard.decide(stepId, picked)} />;
	} else if (step.kind === "signoff") {
		const given = engine.approvalsOf(stepId);
		const { role } = signoffProgress(step, given);
		const decide = (decision: "approve" | "reject") => setEntry({ ...entry, decision });
		if (entry.name !== undefined && entry.decision === undefined)
			keys = [
				{ name: "apply", label: "approve", run: () => decide("approve") },
				{ name: "decline", label: "reject", run: () => decide("reject") },
				{ name: "back", label: "back", run: () => setEntry({}) },
				...common,
			];
		body = (
			<SignoffForm
				step={step}
				given={given}
				entry={entry}
				onName={(name) => setEntry({ name })}
				onBack={() => setEntry({ name: entry.name })}
				onComment={(comment) => {
					setEntry({});
					wizard.approve(stepId, {
						role,
						name: entry.name ?? "",
						decision: entry.decision ?? "reject",
						comment: comment || undefined,
					});
				}}
			/>
		);
	} else {
		keys = [
			module.asksYes
				? { name: "apply", label: "apply", run: () => wizard.run(stepId) }
				: { name: "confirm", label: "run", run: () => wizard.run(stepId) },
			{ name: "skip", label: "skip", run: () => wizard.show({ name: "reason", stepId, purpose: "skip" }) },
			{ name: "details", label: "help", run: () => wizard.dispatch({ type: "toggle-details" }) },
			...common,
		];
		const dry = session.dryRun;
		// The plan gets what the title, the notes, the help and the question leave.
		const above = [
			step.title,
			...state.notices.map((notice) => `note: ${notice}`),
			state.details ? (step.help ?? "") : "",
		];
		const planRows =
			bodyRows(props, columns) -
			3 -
			above.reduce((rows, text) => rows + (text ? rowsOf(text, columns) : 0), 0);
		body = (
			<Box flexDirection="column">
				<StepPlan preview={preview} maxLines={planRows} />
				<Text bold>
					{module.asksYes
						? dry
							? "Dry run: y records what would change, the file is left alone."
							: "Apply this change? (y to apply)"
						: dry
							? "Dry run: Enter records what would happen; nothing runs."
							: "Press Enter to run it."}
				</Text>
			</Box>
		);
	}
	return (
		<ScreenFrame keys={keys} typing={typing} message={state.message}>
			<StepTitle
				placed={placed}
				critical={isCritical(session, stepId)}
				result={session.results[stepId]}
				attempts
				notices={state.notices}
			/>
			{step.kind === "prompt" && step.instructions ? (
				<Text wrap="wrap">{step.instructions.trim()}</Text>
			) : null}
			{state.details && step.help ? (
				<Text color={colorOf("accent")} wrap="wrap">
					{step.help.trim()}
				</Text>
			) : null}
			<Box marginTop={1} flexDirection="column">
				{body}
			</Box>
		</ScreenFrame>
	);
}
