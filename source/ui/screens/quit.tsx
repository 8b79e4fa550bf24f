import { Box, Text } from "ink";
import { useMemo } from "react";
import { resumeHint } from "../../cli/sessions-dir.js";
import { colorOf } from "../theme.js";
import { ScreenFrame, type ScreenProps } from "./frame.js";

/** After q or Ctrl+C: the session is saved; quit, or stay where it was. */
export function QuitScreen({
	wizard,
	typing,
	stepId,
	code,
}: ScreenProps & { readonly stepId?: string; readonly code: number }) {
	const { engine } = wizard;
	const hint = useMemo(() => resumeHint(engine.dir, engine.id), [engine]);
	const stay = () => wizard.dispatch({ type: "stay" });
	return (
		<ScreenFrame
			keys={[
				{ name: "apply", label: "quit", run: () => wizard.quit(code) },
				{ name: "decline", label: "stay", run: stay },
				{ name: "back", label: "stay", run: stay, quiet: true },
			]}
			typing={typing}
		>
			<Box flexDirection="column">
				{stepId ? (
					<Text
						color={colorOf("warn")}
						wrap="wrap"
					>{`${stepId} was interrupted; it runs again from its start.`}</Text>
				) : null}
				<Text wrap="wrap">{`The session is saved. Resume it any time with: ${hint}`}</Text>
				<Text bold>Quit now? (y/n)</Text>
			</Box>
		</ScreenFrame>
	);
}
