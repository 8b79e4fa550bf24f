import { Box, Text, useStdout } from "ink";
import { useMemo, useState } from "react";
import { moduleOf, previewOf } from "../../steps/registry.js";
import { rowsOf } from "../fit.js";
import type { KeyTable } from "../key-bindings.js";
import { useSession } from "../use-session.js";
import { DecisionForm, type PromptChoice, PromptForm } from "../views/forms.js";
import { Scrolled, scrollKeys } from "../views/scrolled.js";
import { type SignoffEntry, SignoffForm, signoffProgress } from "../views/signoff-form.js";
import { reading } from "../views/step-reading.js";
import { StepTitle } from "../views/step-title.js";
import { bodyRows, commonKeys, ScreenFrame, type ScreenProps } from "./frame.js";

const noop = () => {};

/** The step to do next: what it will do, all of it readable (PgUp/PgDn), and the one key that does it. */
export function StepScreen(props: ScreenProps & { readonly stepId: string }) {
	const { wizard, typing, stepId } = props;
	const { engine, state } = wizard;
	const columns = useStdout().stdout.columns || 80;
	const session = useSession(engine);
	const placed = engine.placed(stepId);
	const { step } = placed;
	const module = moduleOf(step);
	// Worked out once per step on screen: a flag's diff reads the file, which is not done while drawing.
	const preview = useMemo(() => previewOf(step, session.cwd), [step, session.cwd]);
	const proposed = useMemo(
		() => (module.mode === "decision" ? engine.proposeDecision(stepId) : undefined),
		[engine, module.mode, stepId],
	);
	const [choice, setChoice] = useState<PromptChoice>();
	const [entry, setEntry] = useState<SignoffEntry>({});
	const [top, setTop] = useState(0);
	const reasons = proposed
		? [
				...proposed.reasons.map((reason) => `  • ${reason}`),
				...proposed.conditions.map((c) => `  condition: ${c}`),
			]
		: [];
	const given = step.kind === "signoff" ? engine.approvalsOf(stepId) : [];
	// What stays under the reading: the question and its answer, the choice, the form.
	const below =
		step.kind === "prompt"
			? rowsOf(step.question ?? "", columns) + 2
			: proposed
				? 4
				: step.kind === "signoff"
					? given.length + 3
					: 1;
	const rows = bodyRows(props, columns) - 3 - rowsOf(step.title, columns) - below;
	const lines = reading(step, preview, state.notices, state.details, reasons, rows);
	const scroll = scrollKeys(lines, top, rows, columns, setTop);
	const common = [...scroll, ...commonKeys(wizard)];
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
				onAnswer={(result, notes) => wizard.answer(stepId, result, notes)}
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
		body = (
			<Text bold>
				{module.asksYes
					? dry
						? "Dry run: y records what would change, the file is left alone."
						: "Apply this change? (y to apply)"
					: dry
						? "Dry run: Enter records what would happen; nothing runs."
						: "Press Enter to run it."}
			</Text>
		);
	}
	return (
		<ScreenFrame keys={keys} typing={typing} message={state.message}>
			<StepTitle placed={placed} session={session} attempts />
			<Box marginTop={1} flexDirection="column">
				<Scrolled lines={lines} top={top} rows={rows} columns={columns} />
				{body}
			</Box>
		</ScreenFrame>
	);
}
