import { Box, Text, useStdout } from "ink";
import { formatDuration } from "../../checklist/duration.js";
import type { Step } from "../../checklist/schema.js";
import { compare, formatNumber } from "../../runner/thresholds.js";
import type { StepResult } from "../../session/reduce.js";
import type { CommandEvidence as CommandEvidenceData } from "../../steps/command/index.js";
import type { StepOutcome } from "../../steps/context.js";
import { bands } from "../../steps/monitor/index.js";
import { plannedReadings } from "../../steps/monitor/windows.js";
import { STEP_MODULES } from "../../steps/registry.js";
import { rowsOf } from "../fit.js";
import { sparkline } from "../sparkline.js";
import { colorOf, STATUS_SYMBOL, STATUS_TONE } from "../theme.js";
import type { ReadLine } from "./scrolled.js";

type Kind<K extends Step["kind"]> = Extract<Step, { kind: K }>;

/**
 * A unified diff's lines, file headers left out, each toned: added green, removed red, hunks
 * accented — the changed lines with as much of their context as fits in `maxLines`.
 */
export function diffLines(diff: string, maxLines: number): ReadLine[] {
	return fitDiff(diffBody(diff), maxLines).map((text) => ({
		text,
		tone: text.startsWith("+")
			? "ok"
			: text.startsWith("-")
				? "bad"
				: text.startsWith("@@")
					? "accent"
					: undefined,
	}));
}

function diffBody(diff: string): string[] {
	return diff
		.split("\n")
		.filter((line) => !/^(Index:|={3,}|--- |\+\+\+ )/.test(line) && line !== "" && !line.startsWith("\\"));
}

/** A unified diff, one line each, added lines green and removed red; file headers left out. */
export function Diff({ diff, maxLines }: { readonly diff: string; readonly maxLines: number }) {
	const lines = diffBody(diff);
	const shown = fitDiff(lines, maxLines);
	return (
		<Box flexDirection="column">
			{shown.map((line, index) => (
				<Text
					// biome-ignore lint/suspicious/noArrayIndexKey: lines of a fixed diff
					key={index}
					wrap="wrap"
					color={colorOf(
						line.startsWith("+")
							? "ok"
							: line.startsWith("-")
								? "bad"
								: line.startsWith("@@")
									? "accent"
									: undefined,
					)}
				>
					{line}
				</Text>
			))}
			{lines.length > shown.length ? (
				<Text color={colorOf("dim")}>{`… ${lines.length - shown.length} more diff lines`}</Text>
			) : null}
		</Box>
	);
}

/** The changed lines with as much of their context as fits in `maxLines`. */
export function fitDiff(lines: readonly string[], maxLines: number): string[] {
	const changed = lines.flatMap((line, index) => (/^[-+]/.test(line) ? [index] : []));
	const near = (reach: number) =>
		lines.filter(
			(line, index) => line.startsWith("@@") || changed.some((at) => Math.abs(at - index) <= reach),
		);
	for (let reach = lines.length; reach > 0; reach--) {
		const kept = near(reach);
		if (kept.length <= maxLines) return kept;
	}
	return near(0).slice(0, Math.max(1, maxLines));
}

/** A monitor's readings so far: a sparkline against its bands, and the latest values coloured by level. */
export function Readings({ step, result }: { readonly step: Kind<"monitor">; readonly result?: StepResult }) {
	const readings = result?.readings ?? [];
	const valued = readings.filter((reading) => reading.value !== undefined);
	const values = valued.map((reading) => reading.value ?? 0);
	// A level against a baseline is known only as the watch runs: the chart scales to fixed levels alone.
	const fixed = [step.warn, step.critical].filter((level) => level !== undefined && !level.baseline);
	const levels = fixed.map((level) => level?.value ?? 0);
	// The tier recorded at a reading says how it stood; a fixed level says whether it was over.
	const tone = ({ value = 0, level }: (typeof valued)[number]) =>
		level
			? level === "warning"
				? "warn"
				: "bad"
			: step.critical && !step.critical.baseline && compare(value, step.critical.op, step.critical.value)
				? "bad"
				: step.warn && !step.warn.baseline && compare(value, step.warn.op, step.warn.value)
					? "warn"
					: "ok";
	const errors = readings.filter((reading) => reading.error).length;
	return (
		<Box flexDirection="column">
			<Text wrap="truncate-end">
				{`readings ${readings.length}/${plannedReadings(step)}  `}
				<Text color={colorOf("accent")}>{sparkline(values, 40, levels)}</Text>
				{bands(step) ? <Text color={colorOf("dim")}>{`  ${bands(step)}`}</Text> : null}
			</Text>
			<Text wrap="truncate-end">
				{valued.slice(-10).map((reading, index) => (
					// biome-ignore lint/suspicious/noArrayIndexKey: readings only grow
					<Text key={index} color={colorOf(tone(reading))}>{`${formatNumber(reading.value ?? 0)} `}</Text>
				))}
				{errors > 0 ? <Text color={colorOf("bad")}>{`${errors} failed reading(s)`}</Text> : null}
			</Text>
		</Box>
	);
}

/** How a step ended: status and reason, then what it leaves to check — files, diff, exit code, figures, log. */
export function Outcome({
	step,
	outcome,
	result,
	maxLines,
}: {
	readonly step: Step;
	readonly outcome: StepOutcome | StepResult;
	readonly result?: StepResult;
	readonly maxLines: number;
}) {
	const status = outcome.status;
	// The recorded result is the truth (its evidence says which kind left it); a fresh outcome is its echo.
	const evidence = result?.evidence ?? outcome.evidence;
	// A monitor that warned passed, but is not a green tick.
	const warned = STEP_MODULES.monitor.evidence(evidence)?.monitor?.outcome === "warned";
	const columns = useStdout().stdout.columns || 80;
	const override = "override" in outcome ? outcome.override : undefined;
	const notes = "notes" in outcome ? outcome.notes : undefined;
	// The rows its own lines take once wrapped; the evidence gets the rest.
	const own =
		rowsOf(`? ${status} — ${outcome.reason ?? ""}`, columns) +
		(override ? rowsOf(`overridden: ${override}`, columns) : 0) +
		(notes ? rowsOf(`notes: ${notes}`, columns) : 0);
	return (
		<Box flexDirection="column">
			<Text wrap="wrap">
				{warned ? (
					<Text bold color={colorOf("warn")}>{`! ${status}, in the warn band`}</Text>
				) : (
					<Text bold color={colorOf(STATUS_TONE[status])}>{`${STATUS_SYMBOL[status] ?? "?"} ${status}`}</Text>
				)}
				{outcome.reason ? <Text>{` — ${outcome.reason}`}</Text> : null}
			</Text>
			{"override" in outcome && outcome.override ? (
				<Text color={colorOf("warn")} wrap="wrap">{`overridden: ${outcome.override}`}</Text>
			) : null}
			{"notes" in outcome && outcome.notes ? <Text wrap="wrap">{`notes: ${outcome.notes}`}</Text> : null}
			<Evidence step={step} evidence={evidence} outcome={outcome} result={result} maxLines={maxLines - own} />
		</Box>
	);
}

function Evidence({
	step,
	evidence,
	outcome,
	result,
	maxLines,
}: {
	readonly step: Step;
	readonly evidence: unknown;
	readonly outcome: StepOutcome | StepResult;
	readonly result?: StepResult;
	readonly maxLines: number;
}) {
	const files = STEP_MODULES.backup.evidence(evidence)?.files;
	if (files) {
		return (
			<Box flexDirection="column">
				{files.slice(0, maxLines).map((file) => (
					<Text key={file.source} wrap="wrap">
						{file.absent
							? `  ${file.source}  absent`
							: `  ${file.source}  ${file.size} bytes  sha256 ${file.sha256?.slice(0, 12)}`}
					</Text>
				))}
			</Box>
		);
	}
	const flag = STEP_MODULES.flag.evidence(evidence);
	if (flag && typeof flag.diff === "string") {
		return flag.noop ? (
			<Text color={colorOf("dim")}>Already set: nothing was written.</Text>
		) : (
			<Diff diff={flag.diff} maxLines={maxLines} />
		);
	}
	const command = STEP_MODULES.command.evidence(evidence);
	if (command)
		return <CommandEvidence step={step} evidence={command} outcome={outcome} maxLines={maxLines} />;
	if (STEP_MODULES.monitor.evidence(evidence) && step.kind === "monitor")
		return <Readings step={step} result={result} />;
	return null;
}

function CommandEvidence({
	step,
	evidence,
	outcome,
	maxLines,
}: {
	readonly step: Step;
	readonly evidence: CommandEvidenceData;
	readonly outcome: StepOutcome | StepResult;
	readonly maxLines: number;
}) {
	if (evidence.exitCode === undefined && evidence.log === undefined) return null;
	const metrics = outcome.metrics ?? {};
	const thresholds = (step.kind === "command" ? step.expect?.thresholds : undefined) ?? [];
	const figures = thresholds.map((item) => {
		const actual = metrics[item.metric];
		const ok = actual !== undefined && compare(actual, item.op, item.value);
		return {
			text: `${item.metric} ${actual === undefined ? "?" : formatNumber(actual)} (${item.op} ${item.value})`,
			ok,
		};
	});
	const fixed =
		1 +
		(thresholds.length > 0 ? 1 : 0) +
		(Object.keys(metrics).length > thresholds.length ? 1 : 0) +
		(evidence.log ? 1 : 0);
	const tail = maxLines - fixed > 0 ? (evidence.tail ?? []).slice(-(maxLines - fixed)) : [];
	const others = Object.entries(metrics)
		.filter(([name]) => !thresholds.some((item) => item.metric === name))
		.slice(0, 6)
		.map(([name, value]) => `${name} ${formatNumber(value)}`);
	return (
		<Box flexDirection="column">
			<Text wrap="wrap">
				{`exit ${evidence.exitCode ?? evidence.signal ?? "?"} · ${formatDuration(Number(evidence.durationMs ?? 0))}`}
			</Text>
			{figures.length > 0 ? (
				<Text wrap="wrap">
					{figures.map((figure) => (
						<Text
							key={figure.text}
							color={colorOf(figure.ok ? "ok" : "bad")}
						>{`${figure.ok ? "✓" : "✗"} ${figure.text}  `}</Text>
					))}
				</Text>
			) : null}
			{others.length > 0 ? (
				<Text color={colorOf("dim")} wrap="truncate-end">
					{others.join(" · ")}
				</Text>
			) : null}
			{evidence.log ? <Text color={colorOf("dim")} wrap="wrap">{`log: ${evidence.log}`}</Text> : null}
			{tail.map((line, index) => (
				// biome-ignore lint/suspicious/noArrayIndexKey: the last lines of a finished command
				<Text key={index} color={colorOf("dim")} wrap="truncate-end">{`│ ${line}`}</Text>
			))}
		</Box>
	);
}
