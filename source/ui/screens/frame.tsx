import { Box, Text } from "ink";
import type { ReactNode } from "react";
import { rowsOf } from "../fit.js";
import { dispatchKey, type KeyTable, tableHints } from "../key-bindings.js";
import { useKeys } from "../key-router.js";
import { colorOf } from "../theme.js";
import type { Wizard } from "../use-wizard.js";

/** What every screen is given: the wizard's actions and state, and the rows it may fill. */
export interface ScreenProps {
	readonly wizard: Wizard;
	/** Rows for the screen, its footer (up to two rows) and the last message included. */
	readonly room: number;
	/** A text field on the screen has the keyboard. */
	readonly typing: boolean;
}

/** The keys that work on every screen of the walk. */
export function commonKeys(wizard: Wizard): KeyTable {
	return [
		{
			name: "flow",
			label: wizard.state.auto ? "one at a time" : "run on",
			run: () => wizard.dispatch({ type: "toggle-flow" }),
		},
		{ name: "review", label: "review", run: () => wizard.openReview() },
		{ name: "help", label: "keys", run: () => wizard.dispatch({ type: "toggle-help" }) },
		{ name: "quit", label: "quit", run: () => wizard.dispatch({ type: "ask-quit", code: 0 }) },
	];
}

/** The rows a screen's own content may take: its room less the footer and the message. */
export function bodyRows({ wizard, room }: ScreenProps, columns: number): number {
	const message = wizard.state.message ? rowsOf(wizard.state.message, columns) : 0;
	return Math.max(3, room - 2 - message);
}

/** What the footer says while a text field has the keyboard. */
const TYPING_HINTS = "Enter submit · Esc back · Ctrl+C quit";

/**
 * A screen's body, the last message, and the footer naming the screen's keys — the same table
 * that answers them, so a hint never names a key that does nothing.
 */
export function ScreenFrame({
	keys,
	typing,
	message,
	children,
}: {
	readonly keys: KeyTable;
	readonly typing: boolean;
	readonly message?: string;
	readonly children: ReactNode;
}) {
	useKeys((input, key) => dispatchKey(keys, input, key));
	return (
		<Box flexDirection="column" flexGrow={1}>
			<Box flexDirection="column" flexGrow={1} overflow="hidden">
				{children}
			</Box>
			{message ? (
				<Text color={colorOf("accent")} wrap="wrap">
					{message}
				</Text>
			) : null}
			<Text color={colorOf("dim")} wrap="wrap">
				{typing ? TYPING_HINTS : tableHints(keys)}
			</Text>
		</Box>
	);
}
