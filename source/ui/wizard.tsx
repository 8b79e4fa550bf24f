import { Box, Text, useApp, useStdout } from "ink";
import { useCallback, useEffect, useRef, useState } from "react";
import type { Engine } from "../engine/engine.js";
import { pressed } from "./key-bindings.js";
import { KeyRouter } from "./key-router.js";
import { EndScreen } from "./screens/end.js";
import type { ScreenProps } from "./screens/frame.js";
import { HelpScreen } from "./screens/help.js";
import { LogScreen } from "./screens/log.js";
import { QuitScreen } from "./screens/quit.js";
import { ReasonScreen } from "./screens/reason.js";
import { ResultScreen } from "./screens/result.js";
import { ReviewScreen } from "./screens/review.js";
import { RollbackScreen } from "./screens/rollback.js";
import { RunningScreen } from "./screens/running.js";
import { StepScreen } from "./screens/step.js";
import { colorOf } from "./theme.js";
import { TypingContext } from "./typing.js";
import { useSession } from "./use-session.js";
import { type Flow, type Signals, useWizard, type Wizard as WizardApi } from "./use-wizard.js";
import { Header, Phases, phaseLines, sectionId } from "./views/chrome.js";

export interface WizardProps {
	readonly engine: Engine;
	readonly signals?: Signals;
	/** Called once with the exit code when the operator leaves. */
	readonly onExit: (code: number) => void;
	/** How the walk goes: passing steps on their own (the default), or one at a time. */
	readonly flow?: Flow;
}

/** The whole wizard: header, phases, the steps that just passed, and the screen of the moment. */
export function Wizard({ engine, signals, onExit, flow }: WizardProps) {
	const wizard = useWizard(engine, signals, flow);
	const { state } = wizard;
	const session = useSession(engine);
	const { exit } = useApp();
	const { stdout } = useStdout();
	const [typing, setTypingState] = useState(false);
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

	// Ctrl+C is read before any screen: it stops a command, and asked twice, quits.
	const interrupt = wizard.interrupt;
	const onKey = useCallback(
		(input: string, key: Parameters<typeof pressed>[2]) => {
			if (!pressed("interrupt", input, key)) return false;
			interrupt();
			return true;
		},
		[interrupt],
	);

	const screen = state.screen;
	const stepId = "stepId" in screen ? screen.stepId : undefined;
	const placed = stepId ? engine.placed(stepId) : engine.current();
	const phaseRows = Math.max(1, Math.min(6, rows - 20));
	const phases = phaseLines(engine.steps, session);
	const phasesShown = state.help ? 0 : Math.min(phaseRows, phases.length);
	const trail = screen.name === "done" || state.browse || state.help ? [] : state.trail;
	// What the screen has left once the header, the phases and the steps that just passed are drawn.
	const room = Math.max(4, rows - 6 - phasesShown - trail.length);
	const props: ScreenProps = { wizard, room, typing };
	return (
		<KeyRouter onKey={onKey}>
			<TypingContext.Provider value={setTyping}>
				<Box flexDirection="column" height={rows - 1} width={columns} overflow="hidden">
					{/* The keys fill the screen: nothing else is read while they are open. */}
					{state.help ? null : <Header state={session} steps={engine.steps} />}
					{state.help ? null : (
						<Box marginTop={1}>
							<Phases
								lines={phases}
								currentPhase={placed && sectionId(placed.section)}
								maxLines={phaseRows}
								width={columns}
							/>
						</Box>
					)}
					<Box flexDirection="column" flexGrow={1} marginTop={state.help ? 0 : 1} overflow="hidden">
						{trail.map((line) => (
							<Text key={line} color={colorOf("dim")} wrap="truncate-end">
								{line}
							</Text>
						))}
						{state.help ? <HelpScreen wizard={wizard} /> : <Current {...props} />}
					</Box>
				</Box>
			</TypingContext.Provider>
		</KeyRouter>
	);
}

/** The screen on view: the review or a log when open over the walk, else where the walk is. */
function Current(props: ScreenProps) {
	const { state } = props.wizard as WizardApi;
	const { browse, screen } = state;
	if (browse?.name === "review") return <ReviewScreen {...props} view={browse} />;
	if (browse?.name === "log") return <LogScreen {...props} view={browse} />;
	switch (screen.name) {
		case "step":
			return <StepScreen key={screen.stepId} {...props} stepId={screen.stepId} />;
		case "running":
			return (
				<RunningScreen
					{...props}
					stepId={screen.stepId}
					startedAt={screen.startedAt}
					stopping={screen.stopping}
				/>
			);
		case "result":
			return <ResultScreen {...props} screen={screen} />;
		case "reason":
			return <ReasonScreen {...props} stepId={screen.stepId} purpose={screen.purpose} />;
		case "quit":
			return <QuitScreen {...props} stepId={screen.stepId} code={screen.code} />;
		case "rollback":
			return <RollbackScreen {...props} screen={screen} />;
		case "done":
			return <EndScreen key={screen.panel} {...props} panel={screen.panel} />;
	}
}
