import { Box, Text, useStdout } from "ink";
import Spinner from "ink-spinner";
import { fitWrapped } from "../fit.js";
import type { KeyTable } from "../key-bindings.js";
import { colorOf } from "../theme.js";
import type { Screen } from "../wizard-state.js";
import { ScreenFrame, type ScreenProps } from "./frame.js";

type RollbackView = Extract<Screen, { name: "rollback" }>;

/** Asks before carrying out the rollback plan, then shows each action as it is done. */
export function RollbackScreen({
	wizard,
	room,
	typing,
	screen,
}: ScreenProps & { readonly screen: RollbackView }) {
	const keys: KeyTable =
		screen.phase === "confirm"
			? [
					{ name: "apply", label: "roll back", run: () => wizard.rollback() },
					// Not now: back to the screen that offered it (a failed critical step stays failed).
					{ name: "decline", label: "not now", run: () => wizard.show(screen.from) },
					{ name: "back", label: "not now", run: () => wizard.show(screen.from), quiet: true },
				]
			: screen.phase === "ended"
				? [
						{ name: "confirm", label: "go on", run: () => wizard.show({ name: "done", panel: "summary" }) },
						{ name: "quit", label: "quit", run: () => wizard.quit(screen.ok ? 0 : 1) },
					]
				: [];
	return (
		<ScreenFrame keys={keys} typing={typing}>
			{screen.phase === "confirm" ? (
				<Box flexDirection="column">
					<Text bold wrap="wrap" color={colorOf("bad")}>{`Roll back: ${screen.why}`}</Text>
					{screen.actions.length === 0 ? <Text>Nothing to undo: this session changed nothing.</Text> : null}
					<PlanActions actions={screen.actions} room={room - 3} />
					<Text bold>Carry out the rollback now? (y/n)</Text>
				</Box>
			) : (
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
					{screen.lines.slice(-(room - 3)).map((line) => (
						<Text key={line} wrap="wrap" color={colorOf(line.startsWith("✗") ? "bad" : undefined)}>
							{line}
						</Text>
					))}
					{screen.phase === "ended" ? (
						<Text wrap="wrap">{`Record and plan: ${wizard.engine.dir}`}</Text>
					) : null}
				</Box>
			)}
		</ScreenFrame>
	);
}

/** The plan's actions, numbered and wrapped, never cut mid-line: what does not fit is counted. */
export function PlanActions({
	actions,
	room,
}: {
	readonly actions: readonly string[];
	readonly room: number;
}) {
	const columns = useStdout().stdout.columns || 80;
	const numbered = actions.map((action, index) => `${index + 1}. ${action}`);
	const shown = fitWrapped(numbered, Math.max(1, room - 1), columns - 1);
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
