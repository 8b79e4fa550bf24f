import { Box, Text, useStdout } from "ink";
import SelectInput from "ink-select-input";
import type { KeyTable } from "../key-bindings.js";
import { findStep, reviewRows } from "../review-rows.js";
import { colorOf, STATUS_SYMBOL, STATUS_TONE } from "../theme.js";
import { useLogEnd } from "../use-log-end.js";
import { useSession } from "../use-session.js";
import type { Wizard } from "../use-wizard.js";
import { TextField } from "../views/forms.js";
import { Outcome } from "../views/step-details.js";
import type { ReviewView } from "../wizard-state.js";
import { ScreenFrame, type ScreenProps } from "./frame.js";
import { latestState } from "./running.js";

export function reviewKeys(wizard: Wizard, view: ReviewView, page: number): KeyTable {
	const { engine } = wizard;
	const count = engine.steps.length;
	const move = (by: number) => () => wizard.dispatch({ type: "review-move", by, count });
	const picked = () => engine.steps[view.index];
	if (view.mode)
		return [{ name: "back", label: "cancel", run: () => wizard.browse({ ...view, mode: undefined }) }];
	return [
		{ name: "down", label: "move", run: move(1) },
		{ name: "up", label: "up", run: move(-1), quiet: true },
		{ name: "pageDown", label: "page", run: move(page) },
		{ name: "pageUp", label: "page up", run: move(-page), quiet: true },
		{ name: "first", label: "first", run: move(-count), quiet: true },
		{ name: "last", label: "last", run: move(count), quiet: true },
		{ name: "confirm", label: "details", run: () => wizard.browse({ ...view, open: !view.open }) },
		{ name: "jump", label: "phase", run: () => wizard.browse({ ...view, mode: "phase" }) },
		{ name: "search", label: "find", run: () => wizard.browse({ ...view, mode: "search" }) },
		{ name: "log", label: "log", run: () => picked() && wizard.openLog(picked()?.step.id ?? "") },
		{
			name: "rerun",
			label: "run again",
			run: () => {
				const step = picked()?.step;
				// A frozen session, a NO-GO, a blocking failure, a step at work: the engine says why, on the screen.
				const refused = step && wizard.rerunRefusal(step.id);
				if (refused) wizard.dispatch({ type: "message", text: refused });
				else if (step) wizard.show({ name: "step", stepId: step.id });
			},
		},
		{ name: "back", label: "back", run: () => wizard.browse(undefined) },
		{ name: "review", label: "back", run: () => wizard.browse(undefined), quiet: true },
	];
}

/**
 * Earlier steps, read-only, grouped by phase; Enter opens one, g jumps to a phase, / finds a
 * step, l opens its log. The walk goes on under it.
 */
export function ReviewScreen({ wizard, room, typing, view }: ScreenProps & { readonly view: ReviewView }) {
	const { engine } = wizard;
	const session = useSession(engine);
	const rowsTall = useStdout().stdout.rows || 24;
	const steps = engine.steps;
	const { index, open, mode } = view;
	const selected = steps[index];
	const selectedResult = selected && session.results[selected.step.id];
	const keys = reviewKeys(wizard, view, Math.max(5, rowsTall - 10));
	const cutOff = open && selectedResult?.status === "interrupted" ? selected?.step.id : undefined;
	const cutOffLog = useLogEnd(engine.dir, cutOff);
	if (mode === "phase") {
		const phases = reviewRows(steps).flatMap((row, at, all) =>
			row.kind === "phase" && all[at + 1]?.kind === "step"
				? [{ key: String(at), label: row.title, value: (all[at + 1] as { index: number }).index }]
				: [],
		);
		return (
			<ScreenFrame keys={[{ name: "confirm", label: "jump", run: () => {} }, ...keys]} typing={typing}>
				<Text bold>Jump to a phase:</Text>
				<SelectInput
					items={phases}
					limit={Math.max(3, room - 3)}
					onSelect={(item) => wizard.dispatch({ type: "review-to", index: item.value })}
				/>
			</ScreenFrame>
		);
	}
	const rows = reviewRows(steps);
	const listRows = Math.max(3, (open ? Math.floor(room / 3) : room - 3) - (mode === "search" ? 2 : 0));
	const at = rows.findIndex((row) => row.kind === "step" && row.index === index);
	const start = Math.max(0, Math.min(at - Math.floor(listRows / 2), rows.length - listRows));
	return (
		<ScreenFrame keys={keys} typing={typing} message={wizard.state.message}>
			<Text bold>{`Review (read-only) · step ${index + 1} of ${steps.length}`}</Text>
			{rows.slice(start, start + listRows).map((row) => {
				if (row.kind === "phase")
					return (
						<Text key={`phase-${row.id}`} color={colorOf("accent")} wrap="truncate-end">
							{row.title}
						</Text>
					);
				const { step } = row.placed;
				const result = session.results[step.id];
				const status = result?.status ?? "pending";
				const here = row.index === index;
				return (
					<Text key={step.id} wrap="truncate-end" inverse={here}>
						<Text
							color={colorOf(STATUS_TONE[status])}
						>{`${here ? "›" : " "} ${STATUS_SYMBOL[status]} `}</Text>
						{`${step.id.padEnd(24)} ${status}${result?.override ? " (overridden)" : ""}  ${step.title}`}
					</Text>
				);
			})}
			{mode === "search" ? (
				<TextField
					label="Find (id or title):"
					required
					onCancel={() => wizard.browse({ ...view, mode: undefined })}
					onSubmit={(text) => {
						const found = findStep(steps, text, index);
						if (found === undefined) wizard.dispatch({ type: "message", text: `no step matches "${text}"` });
						else wizard.dispatch({ type: "review-to", index: found });
					}}
				/>
			) : null}
			{open && selected ? (
				<Box flexDirection="column" marginTop={1}>
					<Text bold wrap="wrap">
						{selected.step.title}
					</Text>
					{cutOffLog ? (
						<Box flexDirection="column">
							<Text color={colorOf("dim")} wrap="wrap">{`log: ${cutOffLog.file}`}</Text>
							{cutOffLog.lines.map((line, offset) => (
								<Text
									// biome-ignore lint/suspicious/noArrayIndexKey: the last lines of a fixed log
									key={offset}
									color={colorOf("dim")}
									wrap="truncate-end"
								>{`│ ${latestState(line)}`}</Text>
							))}
						</Box>
					) : null}
					{selectedResult ? (
						<Outcome
							step={selected.step}
							outcome={selectedResult}
							result={selectedResult}
							maxLines={Math.max(2, room - listRows - 6)}
						/>
					) : null}
				</Box>
			) : null}
		</ScreenFrame>
	);
}
