import { Box, Text } from "ink";
import SelectInput from "ink-select-input";
import type { PlacedStep } from "../../checklist/steps.js";
import { colorOf, STATUS_SYMBOL, STATUS_TONE } from "../theme.js";
import type { Wizard } from "../use-wizard.js";
import type { Screen } from "../wizard-state.js";
import { sectionId } from "./chrome.js";
import { TextField } from "./forms.js";
import { Outcome } from "./step-details.js";

type ReviewScreen = Extract<Screen, { name: "review" }>;

/** The list rows: each phase's title, then its steps; `index` counts steps only. */
function reviewRows(steps: readonly PlacedStep[]) {
	const rows: (
		| { kind: "phase"; id: string; title: string }
		| { kind: "step"; placed: PlacedStep; index: number }
	)[] = [];
	let phase: string | undefined;
	steps.forEach((placed, index) => {
		const id = sectionId(placed.section);
		if (id !== phase) {
			phase = id;
			rows.push({ kind: "phase", id, title: "title" in placed.section ? placed.section.title : id });
		}
		rows.push({ kind: "step", placed, index });
	});
	return rows;
}

/** Earlier steps, read-only, grouped by phase; Enter opens one, g jumps to a phase, / finds a step, l opens its log. */
export function Review({
	wizard,
	screen,
	room,
}: {
	readonly wizard: Wizard;
	readonly screen: ReviewScreen;
	readonly room: number;
}) {
	const { engine } = wizard;
	const steps = engine.steps;
	const { index, open, mode } = screen;
	const selected = steps[index];
	const selectedResult = selected && engine.state.results[selected.step.id];
	if (mode === "phase") {
		const phases = reviewRows(steps).flatMap((row, at, all) =>
			row.kind === "phase" && all[at + 1]?.kind === "step"
				? [{ key: String(at), label: row.title, value: (all[at + 1] as { index: number }).index }]
				: [],
		);
		return (
			<Box flexDirection="column">
				<Text bold>Jump to a phase:</Text>
				<SelectInput
					items={phases}
					limit={Math.max(3, room - 1)}
					onSelect={(item) => wizard.dispatch({ type: "review-to", index: item.value })}
				/>
			</Box>
		);
	}
	const rows = reviewRows(steps);
	const listRows = Math.max(3, (open ? Math.floor(room / 3) : room - 1) - (mode === "search" ? 2 : 0));
	const at = rows.findIndex((row) => row.kind === "step" && row.index === index);
	const start = Math.max(0, Math.min(at - Math.floor(listRows / 2), rows.length - listRows));
	return (
		<Box flexDirection="column">
			<Text bold>{`Review (read-only) · step ${index + 1} of ${steps.length}`}</Text>
			{rows.slice(start, start + listRows).map((row) => {
				if (row.kind === "phase")
					return (
						<Text key={`phase-${row.id}`} color={colorOf("accent")} wrap="truncate-end">
							{row.title}
						</Text>
					);
				const { step } = row.placed;
				const result = engine.state.results[step.id];
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
					onSubmit={(text) => {
						const found = findStep(steps, text, index);
						if (found === undefined) wizard.dispatch({ type: "message", text: `no step matches "${text}"` });
						else wizard.dispatch({ type: "review-to", index: found });
					}}
				/>
			) : null}
			{open && selected ? (
				<Box flexDirection="column" marginTop={1}>
					<Text bold>{selected.step.title}</Text>
					{selectedResult ? (
						<Outcome
							step={selected.step}
							outcome={selectedResult}
							result={selectedResult}
							maxLines={Math.max(2, room - listRows - 4)}
						/>
					) : null}
				</Box>
			) : null}
		</Box>
	);
}

/** The next step after `from` whose id or title holds the text (case ignored), wrapping round. */
export function findStep(steps: readonly PlacedStep[], text: string, from: number): number | undefined {
	const wanted = text.trim().toLowerCase();
	for (let offset = 1; offset <= steps.length; offset++) {
		const at = (from + offset) % steps.length;
		const { step } = steps[at] as PlacedStep;
		if (step.id.toLowerCase().includes(wanted) || step.title.toLowerCase().includes(wanted)) return at;
	}
	return undefined;
}

/** A step's whole log, a screenful at a time. */
export function LogPager({
	screen,
	room,
}: {
	readonly screen: Extract<Screen, { name: "log" }>;
	readonly room: number;
}) {
	const shown = screen.lines.slice(screen.top, screen.top + Math.max(1, room - 1));
	return (
		<Box flexDirection="column">
			<Text bold wrap="truncate-end">
				{`lines ${screen.top + 1}–${screen.top + shown.length} of ${screen.lines.length} · ${screen.file}`}
			</Text>
			{shown.map((line, offset) => (
				// biome-ignore lint/suspicious/noArrayIndexKey: a window over a fixed file
				<Text key={screen.top + offset} wrap="truncate-end">
					{line.split("\r").filter(Boolean).at(-1) ?? " "}
				</Text>
			))}
		</Box>
	);
}
