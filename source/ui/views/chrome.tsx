import { Box, Text } from "ink";
import { formatDuration } from "../../checklist/duration.js";
import type { PlacedStep, StepSection } from "../../checklist/steps.js";
import type { SessionState } from "../../session/reduce.js";
import { isDone, progress } from "../../session/rules.js";
import { moduleOf } from "../../steps/registry.js";
import { progressBar } from "../sparkline.js";
import { colorOf } from "../theme.js";
import { useNow } from "../use-now.js";

/** Title and version, session, operator, time since the start, and DRY RUN when so. */
export function Header({
	state,
	steps,
}: {
	readonly state: SessionState;
	readonly steps: readonly PlacedStep[];
}) {
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
				{`${where(state)} · ${elapsed} spent${left(state, steps)}`}
			</Text>
			<Text color={colorOf("dim")} wrap="truncate-end">
				{`${state.operator} · ${state.id}`}
			</Text>
		</Box>
	);
}

/** "step 123 of 266": the step the walk is on (or "all 266 steps done"). */
function where(state: SessionState): string {
	const { done, total } = progress(state);
	return done >= total ? `all ${total} steps done` : `step ${done + 1} of ${total}`;
}

/**
 * What is left: the most the automated steps still to do can take (their timeouts and monitor
 * windows), and how many steps wait on a person — an honest bound, not a guess at speed.
 */
export function left(state: SessionState, steps: readonly PlacedStep[]): string {
	let ms = 0;
	let byHand = 0;
	for (const { step } of steps) {
		if (isDone(state.results[step.id])) continue;
		const module = moduleOf(step);
		if (module.mode !== "run" || module.asksYes) byHand++;
		else ms += module.longestMs?.(step as never) ?? 0;
	}
	if (ms === 0 && byHand === 0) return "";
	const parts = [ms > 0 ? `≤ ${formatDuration(ms)} automated` : "", byHand > 0 ? `${byHand} by hand` : ""];
	return ` · left: ${parts.filter(Boolean).join(", ")}`;
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

export function truncate(text: string, width: number): string {
	return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}
