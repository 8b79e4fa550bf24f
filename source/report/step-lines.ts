import { formatDuration } from "../checklist/duration.js";
import { formatNumber } from "../runner/thresholds.js";
import type { Limit } from "./limits.js";
import type { Report, ReportStep } from "./model.js";

/**
 * The words every format uses for a step, written once so Markdown, HTML and JUnit carry
 * the same facts: when it ran, its figures beside their limits, what was asked and answered.
 */

/** The figures a reader looks for first; the rest follow in the order the step gave them. */
const PREFERRED = [
	"pass_rate",
	"value",
	"passed",
	"failed",
	"skipped",
	"errors",
	"tests",
	"failures",
	"files",
];

/** Readings listed one by one in the text formats; past this the first and last are shown. */
const READINGS_LISTED = 24;

/** "2026-11-23 09:00:02Z": an ISO time a person can read at a glance. */
export function when(iso: string | undefined): string {
	return iso ? iso.replace("T", " ").replace(/\.\d+Z$/, "Z") : "";
}

/** When the step last ran: its latest attempt's start; "not run" for a step settled without running (its reason says why). */
export function lastRun(step: ReportStep): string {
	if (step.startedAt) return when(step.startedAt);
	return step.endedAt ? "not run" : "";
}

/** How long the step took, or nothing when it did not run. */
export function took(step: ReportStep): string {
	return step.durationMs === undefined ? "" : formatDuration(step.durationMs);
}

/**
 * Every figure of a step, each beside the limit the checklist set for it, and every limit
 * even where no figure was measured: "pass_rate 90 (≥ 95 ✗)", "skipped 3", "pass_rate — (≥ 95)",
 * "value 0.7 (warn > 0.5 → notify: met at 09:01:00Z, critical > 1 → stop: not met)".
 */
export function figures(step: ReportStep): string[] {
	if (step.limits.length === 0 && (step.metrics === undefined || isEmpty(step.metrics))) return [];
	const rank = (name: string) => {
		const index = PREFERRED.indexOf(name);
		return index < 0 ? PREFERRED.length : index;
	};
	const limits = new Map<string, string[]>();
	for (const limit of step.limits) {
		limits.set(limit.metric, [...(limits.get(limit.metric) ?? []), `${readable(limit.rule)}${mark(limit)}`]);
	}
	const measured = Object.entries(step.metrics ?? {}).sort(([a], [b]) => rank(a) - rank(b));
	const lines = measured.map(([name, value]) => {
		const limit = limits.get(name);
		return `${name} ${formatNumber(value)}${limit ? ` (${limit.join(", ")})` : ""}`;
	});
	for (const [name, limit] of limits) {
		if (step.metrics?.[name] === undefined) lines.push(`${name} — (${limit.join(", ")})`);
	}
	return lines;
}

function isEmpty(record: object): boolean {
	for (const _ in record) return false;
	return true;
}

/**
 * Whether a limit held: a threshold is met (✓) or missed (✗); a monitor's tier is a condition
 * to stay clear of, so it says whether and when it was met instead.
 */
function mark(limit: Limit): string {
	if (limit.met === undefined) return "";
	if (!limit.level) return limit.met ? " ✓" : " ✗";
	return limit.met ? `: met at ${when(limit.metAt).slice(11)}` : ": not met";
}

const SYMBOLS: Record<string, string> = { ">=": "≥", "<=": "≤", "!=": "≠" };

function readable(rule: string): string {
	return rule.replace(/>=|<=|!=/g, (op) => SYMBOLS[op] ?? op);
}

/** Everything a reviewer checks beside the status, each a line, in the order a reader wants them. */
export function stepLines(step: ReportStep): string[] {
	const lines: string[] = [];
	if (step.reason) lines.push(step.reason);
	if (step.question) lines.push(`asked: ${step.question}${step.answer ? ` — answered ${step.answer}` : ""}`);
	for (const line of step.details) {
		// A dry run's reason already quotes the command line its details give.
		if (!step.reason?.includes(line.replaceAll("`", ""))) lines.push(line);
	}
	if (step.override) lines.push(`overridden: ${step.override}`);
	if (step.notes) lines.push(`notes: ${step.notes}`);
	if (step.attempts > 1) lines.push(`${step.attempts} attempts`);
	for (const cut of step.interruptions) {
		const resumed = cut.resumedAt ? `; the session resumed at ${when(cut.resumedAt)}` : "";
		const span =
			cut.resumedAt && step.status !== "interrupted" && step.startedAt && step.startedAt <= cut.at
				? ", so its time includes the stop"
				: "";
		lines.push(`cut off at ${when(cut.at)}: ${cut.reason}${resumed}${span}`);
	}
	const readings = readingsLine(step);
	if (readings) lines.push(readings);
	return lines;
}

/** A monitor's readings in one line: every one, or the first and last of a long watch. */
function readingsLine(step: ReportStep): string | undefined {
	const readings = step.readings ?? [];
	if (readings.length === 0) return undefined;
	const text = (reading: (typeof readings)[number]) =>
		`${when(reading.at).slice(11)} ${reading.value === undefined ? `no value (${reading.error ?? "no reading"})` : formatNumber(reading.value)}`;
	if (readings.length <= READINGS_LISTED) return `readings: ${readings.map(text).join(", ")}`;
	const half = READINGS_LISTED / 2;
	return `readings (${readings.length}, every one in report.json): ${readings.slice(0, half).map(text).join(", ")}, … ${readings.slice(-half).map(text).join(", ")}`;
}

/** One line per stop of the session: when, how, which steps it cut off, when and where it resumed. */
export function interruptionLines(report: Report): string[] {
	return report.interruptions.map((stop) => {
		const how = stop.clean
			? `closed (${stop.reason ?? "closed"})`
			: "stopped without closing the session (killed, crashed or lost its terminal)";
		const steps = stop.steps.length > 0 ? `; cut off: ${stop.steps.join(", ")}` : "";
		const resumed = stop.resumedAt
			? `; resumed ${when(stop.resumedAt)}${stop.host ? ` on ${stop.host}` : ""}`
			: "; not resumed";
		return `${when(stop.stoppedAt)} ${how}${steps}${resumed}`;
	});
}

/** One line per follow-up: what, when it falls due, how far it got. */
export function followupLines(report: Report): string[] {
	return report.followups.map((followup) => {
		const due = followup.dueAt
			? `due ${when(followup.dueAt)} (${followup.after} after the sign-off)`
			: `due ${followup.after} after the session ends GO or GO WITH CONDITIONS, which it has not`;
		const started = followup.startedAt ? ` (started ${when(followup.startedAt)})` : "";
		return `${followup.title} (${followup.id}): ${due} — ${followup.status}${started}`;
	});
}

/** The dry-run warning, in every format, in the same words. */
export const DRY_RUN = "DRY RUN: nothing was changed and no command ran.";
export const DRY_RUN_MEANS =
	"Every step below records what would have happened. This is not the record of a rollout, and its outcome is not a sign-off.";
