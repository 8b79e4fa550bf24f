import { Box, Text, useStdout } from "ink";
import Spinner from "ink-spinner";
import { formatDuration } from "../../checklist/duration.js";
import { moduleOf } from "../../steps/registry.js";
import { rowsOf } from "../fit.js";
import type { KeyTable } from "../key-bindings.js";
import { colorOf } from "../theme.js";
import { useNow } from "../use-now.js";
import { useSession } from "../use-session.js";
import { Readings } from "../views/step-details.js";
import { StepTitle } from "../views/step-title.js";
import { bodyRows, ScreenFrame, type ScreenProps } from "./frame.js";

/** The latest state of a line a progress bar redraws with \r. */
export function latestState(line: string): string {
	return line.split("\r").filter(Boolean).at(-1) ?? "";
}

/**
 * A step at work: elapsed time, the most it may still take, a monitor's readings, the output's
 * tail. It runs on while the operator reads the review or this step's log.
 */
export function RunningScreen(
	props: ScreenProps & { readonly stepId: string; readonly startedAt: number; readonly stopping: boolean },
) {
	const { wizard, typing, stepId, startedAt, stopping } = props;
	const columns = useStdout().stdout.columns || 80;
	// Redrawn five times a second: the elapsed time and the output tail.
	const now = useNow(200);
	const { engine } = wizard;
	const session = useSession(engine);
	const placed = engine.placed(stepId);
	const { step } = placed;
	const elapsed = Math.max(0, now - startedAt);
	const longest = moduleOf(step).longestMs?.(step as never);
	const left =
		longest === undefined ? "" : ` · at most ${formatDuration(Math.max(0, longest - elapsed))} left`;
	// The output's tail gets what the title, the status line and a monitor's readings leave.
	const tailRows =
		bodyRows(props, columns) - 3 - rowsOf(step.title, columns) - (step.kind === "monitor" ? 2 : 0);
	const lines = wizard.tail().slice(-Math.max(1, tailRows)).map(latestState);
	const keys: KeyTable = [
		{ name: "interrupt", label: "stop", run: () => {} },
		{ name: "review", label: "review", run: () => wizard.openReview() },
		{ name: "log", label: "its log", run: () => wizard.openLog(stepId) },
		{ name: "help", label: "keys", run: () => wizard.dispatch({ type: "toggle-help" }) },
	];
	return (
		<ScreenFrame keys={keys} typing={typing} message={wizard.state.message}>
			<StepTitle placed={placed} session={session} />
			<Box marginTop={1} flexDirection="column">
				<Text>
					<Text color={colorOf(stopping ? "warn" : "accent")}>
						<Spinner type="dots" />
					</Text>
					{` ${stopping ? "stopping… (Ctrl+C again quits at once)" : "running"} · ${formatDuration(elapsed)}${stopping ? "" : left}`}
				</Text>
				{step.kind === "monitor" ? <Readings step={step} result={session.results[stepId]} /> : null}
				{lines.map((line, index) => (
					// biome-ignore lint/suspicious/noArrayIndexKey: a tail is redrawn whole
					<Text key={index} wrap="truncate-end" color={colorOf("dim")}>
						{line || " "}
					</Text>
				))}
			</Box>
		</ScreenFrame>
	);
}
