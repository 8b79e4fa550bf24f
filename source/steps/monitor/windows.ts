import type { AlertLevel } from "../../checklist/monitor-schema.js";
import type { Step } from "../../checklist/schema.js";
import { formatNumber } from "../../runner/thresholds.js";
import type { StepRef } from "../../session/events.js";
import type { SessionState } from "../../session/reduce.js";
import { isDone } from "../../session/rules.js";

type MonitorStep = Extract<Step, { kind: "monitor" }>;

/** How many readings a monitor takes: `samples`, or one per interval across its window. */
export function plannedReadings(step: MonitorStep): number {
	if (step.window !== undefined && step.interval) return Math.floor(step.window / step.interval) + 1;
	return step.samples ?? 1;
}

/** A span of a window in one unit, as a runbook writes it: "0–6h", "90–120m", "0–30s". */
export function spanLabel(from: number, to: number): string {
	for (const [unit, size] of [
		["h", 3_600_000],
		["m", 60_000],
	] as const) {
		if (from % size === 0 && to % size === 0) return `${from / size}–${to / size}${unit}`;
	}
	return `${formatNumber(from / 1000)}–${formatNumber(to / 1000)}s`;
}

const RANK: Record<AlertLevel, number> = { warning: 1, critical: 2, page: 3 };

/**
 * Judges the readings between checkpoints (hours 0–6, 6–12, …): each segment's count, worst
 * tier, highest and lowest reading, as a line once the watch passes its end. Running figures only.
 */
export class Checkpoints {
	private next = 0;
	private from = 0;
	private count = 0;
	private failed = 0;
	private worst: AlertLevel | undefined;
	private max = Number.NEGATIVE_INFINITY;
	private min = Number.POSITIVE_INFINITY;
	readonly lines: string[] = [];

	constructor(private readonly marks: readonly number[]) {}

	/** Takes a reading `elapsed` ms into the window; returns the segment lines it closes. */
	observe(elapsed: number, value: number | undefined, level: AlertLevel | undefined): string[] {
		// A reading on a checkpoint belongs to the span it ends: "hours 0–6" includes hour 6.
		const closed = this.closeUpTo(elapsed, false);
		if (value === undefined) this.failed++;
		else {
			this.count++;
			this.max = Math.max(this.max, value);
			this.min = Math.min(this.min, value);
		}
		if (level && (!this.worst || RANK[level] > RANK[this.worst])) this.worst = level;
		return closed;
	}

	/** Closes every segment that ends before `elapsed`, or at it when `inclusive` (all of them at the window's end). */
	closeUpTo(elapsed: number, inclusive = true): string[] {
		const closed: string[] = [];
		for (
			let mark = this.marks[this.next];
			mark !== undefined && (inclusive ? mark <= elapsed : mark < elapsed);
			mark = this.marks[this.next]
		) {
			const figures =
				this.count === 0
					? "no readings"
					: `${this.count} reading${this.count === 1 ? "" : "s"}, ${formatNumber(this.min)}–${formatNumber(this.max)}`;
			const failed = this.failed > 0 ? `, ${this.failed} failed` : "";
			closed.push(
				`${spanLabel(this.from, mark)}: ${this.worst ?? (this.count === 0 ? "unknown" : "ok")} — ${figures}${failed}`,
			);
			this.lines.push(closed.at(-1) ?? "");
			this.from = mark;
			this.next++;
			this.count = 0;
			this.failed = 0;
			this.worst = undefined;
			this.max = Number.NEGATIVE_INFINITY;
			this.min = Number.POSITIVE_INFINITY;
		}
		return closed;
	}
}

/** An observation window not yet closed: when it started, its next checkpoint and its end. */
export interface OpenWindow {
	readonly stepId: string;
	readonly readings: number;
	readonly startedAt?: string;
	readonly nextCheckpointAt?: string;
	readonly endsAt?: string;
}

/** The windows among these steps that have not finished, with their times as far as the readings tell. */
export function openWindows(
	state: SessionState,
	refs: readonly StepRef[],
	stepOf: (id: string) => Step | undefined,
): OpenWindow[] {
	const open: OpenWindow[] = [];
	for (const ref of refs) {
		const step = stepOf(ref.id);
		if (step?.kind !== "monitor" || step.window === undefined) continue;
		const result = state.results[ref.id];
		if (isDone(result)) continue;
		const readings = result?.readings ?? [];
		const first = readings[0]?.at;
		const last = readings.at(-1)?.at;
		const start = first ? Date.parse(first) : undefined;
		const next =
			start === undefined || !last
				? undefined
				: step.checkpoints?.find((mark) => start + mark > Date.parse(last));
		open.push({
			stepId: ref.id,
			readings: readings.length,
			...(first ? { startedAt: first } : {}),
			...(start !== undefined && next !== undefined
				? { nextCheckpointAt: new Date(start + next).toISOString() }
				: {}),
			...(start !== undefined ? { endsAt: new Date(start + step.window).toISOString() } : {}),
		});
	}
	return open;
}

/** One line per open window, for a refusal or a listing. */
export function describeWindow(window: OpenWindow): string {
	if (!window.startedAt) return `${window.stepId} (not started)`;
	const next = window.nextCheckpointAt ? `, next checkpoint ${at(window.nextCheckpointAt)}` : "";
	return `${window.stepId} (${window.readings} reading(s)${next}, ends ${at(window.endsAt ?? "")})`;
}

function at(iso: string): string {
	return `${iso.slice(0, 16).replace("T", " ")} UTC`;
}
