import { Box, Text, useApp, useInput, useStdout } from "ink";
import SelectInput from "ink-select-input";
import Spinner from "ink-spinner";
import { useCallback, useEffect, useRef, useState } from "react";
import { formatDuration, formatSpan } from "../checklist/duration.js";
import type { PlacedStep } from "../checklist/steps.js";
import { resumeHint } from "../cli/sessions-dir.js";
import type { Engine } from "../engine/engine.js";
import { describeAction } from "../report/rollback-plan.js";
import { FORMATS } from "../report/write.js";
import type { StepResult } from "../session/reduce.js";
import { listingStatus } from "../session/rules.js";
import { moduleOf } from "../steps/registry.js";
import { keyHints } from "./key-bindings.js";
import { colorOf } from "./theme.js";
import { TypingContext } from "./typing.js";
import { useNow } from "./use-now.js";
import { type Flow, type Signals, useWizard, type Wizard as WizardApi } from "./use-wizard.js";
import { Footer, Header, HelpOverlay, Phases, phaseLines, sectionId } from "./views/chrome.js";
import { DecisionForm, PromptForm, SignoffForm, TextField, toneOf } from "./views/forms.js";
import { LogPager, Review } from "./views/review.js";
import { Outcome, Readings, StepPlan } from "./views/step-details.js";
import { handleKey, hintsFor, resultChoice } from "./wizard-keys.js";
import type { Screen } from "./wizard-state.js";

export interface WizardProps {
	readonly engine: Engine;
	readonly signals?: Signals;
	/** Called once with the exit code when the operator leaves. */
	readonly onExit: (code: number) => void;
	/** How the walk goes: passing steps on their own (the default), or one at a time. */
	readonly flow?: Flow;
}

/** The whole wizard: header, phases, the screen of the moment, and the keys that work. */
export function Wizard({ engine, signals, onExit, flow }: WizardProps) {
	const wizard = useWizard(engine, signals, flow);
	const { state } = wizard;
	const { exit } = useApp();
	const { stdout } = useStdout();
	const [typing, setTypingState] = useState(false);
	// Keys are read from the ref: a key that arrives before the next render still finds the field's state.
	const typingNow = useRef(false);
	const setTyping = useCallback((value: boolean) => {
		typingNow.current = value;
		setTypingState(value);
	}, []);
	const rows = Math.max(12, stdout.rows || 24);
	const columns = Math.max(40, stdout.columns || 80);

	useEffect(() => {
		if (state.exit === undefined) return;
		onExit(state.exit);
		exit();
	}, [state.exit, onExit, exit]);

	useInput((input, key) => handleKey(wizard, input, key, typingNow.current));

	const stepId = "stepId" in state.screen ? state.screen.stepId : undefined;
	const placed = stepId ? engine.placed(stepId) : engine.current();
	const phaseRows = Math.min(6, Math.max(2, rows - 18));
	const phases = phaseLines(engine.steps, engine.state);
	const phasesShown = Math.min(phaseRows, phases.length);
	// What the screen has left for output, diffs and lists once the header, phases, step title and footer are drawn.
	const trail = state.screen.name === "done" ? [] : state.trail;
	const room = Math.max(
		3,
		rows - 9 - phasesShown - (state.message ? 1 : 0) - state.notices.length - trail.length,
	);
	return (
		<TypingContext.Provider value={setTyping}>
			<Box flexDirection="column" height={rows - 1} width={columns} overflow="hidden">
				<Header state={engine.state} />
				<Box marginTop={1} display={state.help ? "none" : "flex"}>
					<Phases
						lines={phases}
						currentPhase={placed && sectionId(placed.section)}
						maxLines={phaseRows}
						width={columns}
					/>
				</Box>
				<Box flexDirection="column" flexGrow={1} marginTop={1} overflow="hidden">
					{state.help
						? null
						: trail.map((line) => (
								<Text key={line} color={colorOf("dim")} wrap="truncate-end">
									{line}
								</Text>
							))}
					{state.help ? <HelpOverlay /> : <Body wizard={wizard} placed={placed} room={room} />}
				</Box>
				{state.message ? (
					<Text color={colorOf("accent")} wrap="truncate-end">
						{state.message}
					</Text>
				) : null}
				<Footer hints={keyHints(hintsFor(wizard, placed, typing))} />
			</Box>
		</TypingContext.Provider>
	);
}

function Body({
	wizard,
	placed,
	room,
}: {
	readonly wizard: WizardApi;
	readonly placed?: PlacedStep;
	readonly room: number;
}) {
	const { state, engine } = wizard;
	const screen = state.screen;
	switch (screen.name) {
		case "step":
		case "running":
		case "result":
		case "reason":
			return placed ? <StepScreen wizard={wizard} placed={placed} room={room} /> : null;
		case "quit":
			return (
				<Box flexDirection="column">
					{screen.stepId ? (
						<Text
							color={colorOf("warn")}
						>{`${screen.stepId} was interrupted; it runs again from its start.`}</Text>
					) : null}
					<Text>{`The session is saved. Resume it any time with: ${resumeHint(engine.dir, engine.id)}`}</Text>
					<Text bold>Quit now? (y/n)</Text>
				</Box>
			);
		case "review":
			return <Review wizard={wizard} screen={screen} room={room} />;
		case "log":
			return <LogPager screen={screen} room={room} />;
		case "rollback":
			return <Rollback wizard={wizard} screen={screen} room={room} />;
		case "done":
			return <Done wizard={wizard} panel={screen.panel} room={room} />;
	}
}

function StepScreen({
	wizard,
	placed,
	room,
}: {
	readonly wizard: WizardApi;
	readonly placed: PlacedStep;
	readonly room: number;
}) {
	const { state, engine } = wizard;
	const { step, section } = placed;
	const screen = state.screen;
	const result = engine.state.results[step.id];
	const phase = "title" in section ? section.title : section.type;
	const critical = engine.state.steps.find((ref) => ref.id === step.id)?.critical;
	return (
		<Box flexDirection="column">
			{state.notices.map((notice) => (
				<Text key={notice} color={colorOf("warn")} wrap="truncate-end">{`note: ${notice}`}</Text>
			))}
			<Text wrap="truncate-end">
				<Text color={colorOf("dim")}>{`${phase} › `}</Text>
				<Text bold>{step.title}</Text>
				<Text
					color={colorOf("dim")}
				>{`  ${step.kind}${critical ? " · critical" : ""}${screen.name === "step" ? attemptsNote(result) : ""}`}</Text>
			</Text>
			{step.kind === "prompt" && step.instructions && screen.name === "step" ? (
				<Text>{step.instructions.trim()}</Text>
			) : null}
			{state.details && step.help ? <Text color={colorOf("accent")}>{step.help.trim()}</Text> : null}
			<Box marginTop={1} flexDirection="column">
				{screen.name === "step" ? (
					<StepAction wizard={wizard} placed={placed} room={room} />
				) : screen.name === "running" ? (
					<Running
						wizard={wizard}
						placed={placed}
						startedAt={screen.startedAt}
						stopping={screen.stopping}
						room={room}
					/>
				) : screen.name === "result" ? (
					<Box flexDirection="column">
						<Outcome step={step} outcome={screen.outcome} result={result} maxLines={room - 2} />
						<ResultChoices wizard={wizard} placed={placed} />
					</Box>
				) : screen.name === "reason" ? (
					<TextField
						label={screen.purpose === "skip" ? "Why skip this step?" : "Why go on despite the failure?"}
						required
						onSubmit={(reason) =>
							screen.purpose === "skip" ? wizard.skip(step.id, reason) : wizard.override(step.id, reason)
						}
					/>
				) : null}
			</Box>
		</Box>
	);
}

/** How often the step was tried before: only finished attempts count as done. */
function attemptsNote(result: StepResult | undefined): string {
	if (!result || result.attempts === 0 || result.status === "running") return "";
	return result.status === "interrupted"
		? ` · cut off ${result.attempts}× before`
		: ` · done ${result.attempts}× before`;
}

function StepAction({
	wizard,
	placed,
	room,
}: {
	readonly wizard: WizardApi;
	readonly placed: PlacedStep;
	readonly room: number;
}) {
	const { engine } = wizard;
	const { step } = placed;
	const module = moduleOf(step);
	if (step.kind === "prompt")
		return (
			<PromptForm
				key={step.id}
				step={step}
				onAnswer={(result, notes, values) => wizard.answer(step.id, result, notes, values)}
			/>
		);
	if (module.mode === "decision")
		return (
			<DecisionForm
				key={step.id}
				proposed={engine.proposeDecision(step.id)}
				onDecide={(choice) => wizard.decide(step.id, choice)}
			/>
		);
	if (step.kind === "signoff")
		return (
			<SignoffForm
				key={step.id}
				step={step}
				given={engine.approvalsOf(step.id)}
				onApprove={(approval) => wizard.approve(step.id, approval)}
			/>
		);
	const dry = engine.state.dryRun;
	return (
		<Box flexDirection="column">
			<StepPlan step={step} baseDir={engine.state.cwd} maxLines={room - 2} />
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

function Running({
	wizard,
	placed,
	startedAt,
	stopping,
	room,
}: {
	readonly wizard: WizardApi;
	readonly placed: PlacedStep;
	readonly startedAt: number;
	readonly stopping: boolean;
	readonly room: number;
}) {
	// Redrawn five times a second: the elapsed time, the output tail, a monitor's readings.
	const now = useNow(200);
	const { step } = placed;
	// A progress bar redraws its line with \r: show the line as it stands now.
	const lines = wizard
		.tail()
		.slice(-Math.max(1, room - 2))
		.map((line) => line.split("\r").filter(Boolean).at(-1) ?? "");
	return (
		<Box flexDirection="column">
			<Text>
				<Text color={colorOf(stopping ? "warn" : "accent")}>
					<Spinner type="dots" />
				</Text>
				{` ${stopping ? "stopping… (Ctrl+C again quits at once)" : "running"} · ${formatDuration(Math.max(0, now - startedAt))}`}
			</Text>
			{step.kind === "monitor" ? (
				<Readings step={step} result={wizard.engine.state.results[step.id]} />
			) : null}
			{lines.map((line, index) => (
				// biome-ignore lint/suspicious/noArrayIndexKey: a tail is redrawn whole
				<Text key={index} wrap="truncate-end" color={colorOf("dim")}>
					{line || " "}
				</Text>
			))}
		</Box>
	);
}

/** What the operator may do after a step: go on, or for a failed critical step retry, override or roll back. */
function ResultChoices({ wizard, placed }: { readonly wizard: WizardApi; readonly placed: PlacedStep }) {
	const choice = resultChoice(wizard.engine, placed);
	const text = {
		next: "Enter to go on.",
		blocked: "This critical step failed: t to retry, o to override with a reason, b to abort and roll back.",
		breach: "The monitor calls for a rollback: b to roll back, t to retry, o to override with a reason.",
		warned: "The monitor warned: Enter to go on, b to roll back.",
		failed: "Enter to go on, t to retry.",
	}[choice];
	return (
		<Box marginTop={1}>
			<Text bold color={colorOf(choice === "next" ? undefined : choice === "warned" ? "warn" : "bad")}>
				{text}
			</Text>
		</Box>
	);
}

function Rollback({
	wizard,
	screen,
	room,
}: {
	readonly wizard: WizardApi;
	readonly screen: Extract<Screen, { name: "rollback" }>;
	readonly room: number;
}) {
	if (screen.phase === "confirm") {
		return (
			<Box flexDirection="column">
				<Text bold color={colorOf("bad")}>{`Roll back: ${screen.why}`}</Text>
				{screen.actions.length === 0 ? <Text>Nothing to undo: this session changed nothing.</Text> : null}
				<PlanActions actions={screen.actions} room={room - 2} />
				<Text bold>Carry out the rollback now? (y/n)</Text>
			</Box>
		);
	}
	return (
		<Box flexDirection="column">
			<Text bold>
				{screen.phase === "running" ? (
					<Text color={colorOf("accent")}>
						<Spinner type="dots" />
						{" rolling back"}
					</Text>
				) : screen.ok ? (
					<Text color={colorOf("ok")}>rolled back</Text>
				) : (
					<Text color={colorOf("bad")}>rollback failed</Text>
				)}
			</Text>
			{screen.lines.slice(-(room - 2)).map((line) => (
				<Text key={line} wrap="wrap" color={colorOf(line.startsWith("✗") ? "bad" : undefined)}>
					{line}
				</Text>
			))}
			{screen.phase === "ended" ? <Text>{`Record and plan: ${wizard.engine.dir}`}</Text> : null}
		</Box>
	);
}

/** The rollback plan's actions, numbered, as many as fit. */
/** How many of the lines, from the first, fit in `room` rows once each wraps at `width`. */
export function fitWrapped(lines: readonly string[], room: number, width: number): number {
	let rows = 0;
	for (const [index, line] of lines.entries()) {
		rows += Math.max(1, Math.ceil(line.length / Math.max(20, width)));
		if (rows > room) return Math.max(1, index);
	}
	return lines.length;
}

/** The plan's actions, wrapped, never cut mid-line: what does not fit is counted. */
function PlanActions({ actions, room }: { readonly actions: readonly string[]; readonly room: number }) {
	const numbered = actions.map((action, index) => `${index + 1}. ${action}`);
	const shown = fitWrapped(numbered, Math.max(1, room - 1), (process.stdout.columns || 80) - 1);
	return (
		<Box flexDirection="column">
			{numbered.slice(0, shown).map((action) => (
				<Text key={action} wrap="wrap">
					{action}
				</Text>
			))}
			{shown < numbered.length ? (
				<Text
					color={colorOf("dim")}
				>{`… ${numbered.length - shown} more: the whole plan is in rollback-plan.md`}</Text>
			) : null}
		</Box>
	);
}

function Done({
	wizard,
	panel,
	room,
}: {
	readonly wizard: WizardApi;
	readonly panel: Extract<Screen, { name: "done" }>["panel"];
	readonly room: number;
}) {
	const { engine } = wizard;
	const { approvals } = engine.state;
	const outcome = engine.outcome();
	const status = listingStatus(engine.state);
	if (panel === "plan") {
		const actions = engine.rollbackPlan().actions.map(describeAction);
		return (
			<Box flexDirection="column">
				<Text bold>{`Rollback plan (${actions.length} action${actions.length === 1 ? "" : "s"})`}</Text>
				<PlanActions actions={actions} room={room - 2} />
				<Text
					color={colorOf("dim")}
					wrap="truncate-end"
				>{`${engine.dir}/rollback-plan.md · rollback-plan.sh`}</Text>
			</Box>
		);
	}
	if (panel === "export") {
		return (
			<Box flexDirection="column">
				<Text bold>Export the record as:</Text>
				<SelectInput
					items={FORMATS.map((format) => ({ key: format, label: format, value: format }))}
					onSelect={(item) => {
						wizard.show({ name: "done", panel: "summary" });
						wizard.exportAs(item.value);
					}}
				/>
			</Box>
		);
	}
	if (panel === "followup") {
		const followups = engine.definition.followups ?? [];
		return (
			<Box flexDirection="column">
				<Text bold>Start a follow-up:</Text>
				<SelectInput
					items={followups.map((item) => ({
						key: item.id,
						label: `${item.title} (after ${formatSpan(item.after)})`,
						value: item.id,
					}))}
					onSelect={(item) => wizard.startFollowup(item.value)}
				/>
			</Box>
		);
	}
	return (
		<Box flexDirection="column">
			<Text>
				{status === "in progress" ? "Session open: " : "Session ended: "}
				<Text bold color={colorOf(toneOf(outcome?.outcome ?? status))}>
					{status === "in progress" ? `decided ${outcome?.outcome ?? "nothing yet"}` : status}
				</Text>
				{outcome && status !== outcome.outcome ? <Text>{` (outcome ${outcome.outcome})`}</Text> : null}
			</Text>
			{(outcome?.reasons ?? []).slice(0, Math.max(1, room - 6)).map((reason) => (
				<Text key={reason} wrap="truncate-end">{`  • ${reason}`}</Text>
			))}
			{(outcome?.conditions ?? []).map((condition) => (
				<Text key={condition} color={colorOf("warn")} wrap="truncate-end">{`  condition: ${condition}`}</Text>
			))}
			{approvals.map((approval) => (
				<Text key={`${approval.stepId}-${approval.role}`} wrap="truncate-end">
					{`  ${approval.decision === "approve" ? "✓" : "✗"} ${approval.role}: ${approval.name}`}
				</Text>
			))}
			<Text
				color={colorOf("dim")}
				wrap="truncate-end"
			>{`Record: ${engine.dir}/signoff.md · rollback-plan.md`}</Text>
		</Box>
	);
}
