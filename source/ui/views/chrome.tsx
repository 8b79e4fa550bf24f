import { Box, Text } from "ink";
import { formatDuration } from "../../checklist/duration.js";
import type { PlacedStep, StepSection } from "../../checklist/steps.js";
import type { SessionState } from "../../session/reduce.js";
import { isDone, progress } from "../../session/rules.js";
import { BINDINGS, type Binding } from "../key-bindings.js";
import { progressBar } from "../sparkline.js";
import { colorOf } from "../theme.js";
import { useNow } from "../use-now.js";

/** Title and version, session, operator, time since the start, and DRY RUN when so. */
export function Header({ state }: { readonly state: SessionState }) {
	const now = useNow(1000);
	const elapsed = formatDuration(Math.max(0, now - Date.parse(state.startedAt)));
	const { title, version } = state.checklist;
	return (
		<Box flexDirection="column">
			<Box justifyContent="space-between">
				<Text bold wrap="truncate-end">
					{title}
					{version ? ` v${version}` : ""}
				</Text>
				{state.dryRun ? (
					<Text bold color={colorOf("warn")} inverse>
						{" DRY RUN "}
					</Text>
				) : null}
			</Box>
			<Text color={colorOf("dim")} wrap="truncate-end">
				{`${where(state)} · ${state.operator} · ${elapsed} · ${state.id}`}
			</Text>
		</Box>
	);
}

/** "step 123 of 266": the step the walk is on (or "all 266 steps done"). */
function where(state: SessionState): string {
	const { done, total } = progress(state);
	return done >= total ? `all ${total} steps done` : `step ${done + 1} of ${total}`;
}

export interface PhaseLine {
	readonly id: string;
	readonly title: string;
	readonly done: number;
	readonly total: number;
	readonly failed: number;
	readonly skipped: number;
}

/** Each section of the walk (phases, then started follow-ups) with its steps done and total. */
export function phaseLines(steps: readonly PlacedStep[], state: SessionState): PhaseLine[] {
	const lines = new Map<string, PhaseLine>();
	for (const { step, section } of steps) {
		const id = sectionId(section);
		const line = lines.get(id) ?? {
			id,
			title: "title" in section ? section.title : id,
			done: 0,
			total: 0,
			failed: 0,
			skipped: 0,
		};
		const status = state.results[step.id]?.status;
		lines.set(id, {
			...line,
			total: line.total + 1,
			done: line.done + (isDone(state.results[step.id]) ? 1 : 0),
			failed: line.failed + (status === "failed" ? 1 : 0),
			skipped: line.skipped + (status === "skipped" ? 1 : 0),
		});
	}
	return [...lines.values()];
}

/** Each phase with done/total and a bar; when there are more than fit, those around the current one. */
export function Phases({
	lines,
	currentPhase,
	maxLines,
	width,
}: {
	readonly lines: readonly PhaseLine[];
	readonly currentPhase?: string;
	readonly maxLines: number;
	readonly width: number;
}) {
	const at = Math.max(
		0,
		lines.findIndex((line) => line.id === currentPhase),
	);
	const start = Math.max(0, Math.min(at - Math.floor(maxLines / 2), lines.length - maxLines));
	const shown = lines.slice(start, start + maxLines);
	const titleWidth = Math.max(8, Math.min(28, width - 30));
	return (
		<Box flexDirection="column">
			{shown.map((line) => {
				const complete = line.done === line.total;
				const current = line.id === currentPhase;
				// A phase with a failed or skipped step is never a green tick.
				const [mark, tone] = current
					? (["▸", "accent"] as const)
					: line.failed > 0
						? (["✗", "bad"] as const)
						: line.skipped > 0 && complete
							? (["~", "warn"] as const)
							: complete
								? (["✓", "ok"] as const)
								: ([" ", "dim"] as const);
				return (
					<Text key={line.id} wrap="truncate-end" bold={current}>
						<Text color={colorOf(tone)}>{mark}</Text>
						{` ${truncate(line.title, titleWidth).padEnd(titleWidth)} `}
						<Text color={colorOf(complete ? "ok" : "accent")}>{progressBar(line.done, line.total, 12)}</Text>
						{` ${line.done}/${line.total}`}
						{line.failed > 0 ? <Text color={colorOf("bad")}>{` ${line.failed} failed`}</Text> : null}
						{line.skipped > 0 ? <Text color={colorOf("dim")}>{` ${line.skipped} skipped`}</Text> : null}
					</Text>
				);
			})}
		</Box>
	);
}

export function sectionId(section: StepSection): string {
	return "id" in section ? section.id : section.type;
}

/** The keys that work now, on one line. */
export function Footer({ hints }: { readonly hints: string }) {
	return (
		<Text color={colorOf("dim")} wrap="truncate-end">
			{hints}
		</Text>
	);
}

/** Every key binding, from the one table, in two columns so it fits 80×24. */
export function HelpOverlay() {
	const bindings = Object.values(BINDINGS);
	const half = Math.ceil(bindings.length / 2);
	const column = (list: readonly Binding[]) => (
		<Box flexDirection="column" width="50%">
			{list.map((binding) => (
				<Text key={binding.label} wrap="truncate-end">
					<Text bold>{binding.label.padEnd(7)}</Text>
					{binding.description}
				</Text>
			))}
		</Box>
	);
	return (
		<Box flexDirection="column" borderStyle="round" paddingX={1}>
			<Text bold>Keys</Text>
			<Box>
				{column(bindings.slice(0, half))}
				{column(bindings.slice(half))}
			</Box>
			<Text color={colorOf("dim")}>The footer shows which keys work on each screen.</Text>
		</Box>
	);
}

export function truncate(text: string, width: number): string {
	return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}
