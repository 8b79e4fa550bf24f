import { Box, Text } from "ink";
import { BINDINGS, type Binding } from "../key-bindings.js";
import { colorOf } from "../theme.js";
import type { Wizard } from "../use-wizard.js";
import { ScreenFrame } from "./frame.js";

/** Every key binding, from the one table, in two columns so it fits 80×24. */
export function HelpScreen({ wizard }: { readonly wizard: Wizard }) {
	const close = () => wizard.dispatch({ type: "toggle-help" });
	const bindings = Object.entries(BINDINGS);
	const half = Math.ceil(bindings.length / 2);
	// p and f each name two bindings (on different screens): the binding's name keys the row.
	const column = (list: readonly (readonly [string, Binding])[]) => (
		<Box flexDirection="column" width="50%">
			{list.map(([name, binding]) => (
				<Text key={name} wrap="truncate-end">
					<Text bold>{binding.label.padEnd(7)}</Text>
					{binding.description}
				</Text>
			))}
		</Box>
	);
	return (
		<ScreenFrame
			keys={[
				{ name: "back", label: "close", run: close },
				{ name: "help", label: "close", run: close },
			]}
			typing={false}
		>
			<Box flexDirection="column" borderStyle="round" paddingX={1}>
				<Text bold>Keys</Text>
				<Box>
					{column(bindings.slice(0, half))}
					{column(bindings.slice(half))}
				</Box>
				<Text color={colorOf("dim")}>The footer shows which keys work on each screen.</Text>
			</Box>
		</ScreenFrame>
	);
}
