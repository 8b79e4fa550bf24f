import { Text, useStdout } from "ink";
import type { KeyTable } from "../key-bindings.js";
import type { Wizard } from "../use-wizard.js";
import type { LogView } from "../wizard-state.js";
import { ScreenFrame, type ScreenProps } from "./frame.js";
import { latestState } from "./running.js";

export function logKeys(wizard: Wizard, view: LogView, page: number): KeyTable {
	const move = (by: number) => () => wizard.dispatch({ type: "log-move", by, page });
	const back = () => wizard.browse(view.back);
	return [
		{ name: "down", label: "scroll", run: move(1) },
		{ name: "up", label: "up", run: move(-1), quiet: true },
		{ name: "pageDown", label: "page", run: move(page) },
		{ name: "confirm", label: "page", run: move(page), quiet: true },
		{ name: "pageUp", label: "page up", run: move(-page), quiet: true },
		{ name: "first", label: "top", run: move(-view.lines.length) },
		{ name: "last", label: "end", run: move(view.lines.length) },
		{ name: "back", label: "back", run: back },
		{ name: "log", label: "back", run: back, quiet: true },
		{ name: "quit", label: "back", run: back, quiet: true },
	];
}

/** A step's whole log, a screenful at a time, as it stood when opened. */
export function LogScreen({ wizard, room, typing, view }: ScreenProps & { readonly view: LogView }) {
	const rows = useStdout().stdout.rows || 24;
	const page = Math.max(1, room - 3);
	const shown = view.lines.slice(view.top, view.top + page);
	return (
		<ScreenFrame keys={logKeys(wizard, view, Math.max(5, rows - 10))} typing={typing}>
			<Text bold wrap="truncate-end">
				{`lines ${view.top + 1}–${view.top + shown.length} of ${view.lines.length} · ${view.file}`}
			</Text>
			{shown.map((line, offset) => (
				// biome-ignore lint/suspicious/noArrayIndexKey: a window over a fixed file
				<Text key={view.top + offset} wrap="truncate-end">
					{latestState(line) || " "}
				</Text>
			))}
		</ScreenFrame>
	);
}
