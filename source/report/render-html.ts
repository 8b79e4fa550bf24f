import { formatDuration } from "../checklist/duration.js";
import { formatNumber } from "../runner/thresholds.js";
import type { Report, ReportStep } from "./model.js";
import { phasesOf, rollbackRuns } from "./render-markdown.js";
import {
	DRY_RUN,
	DRY_RUN_MEANS,
	figures,
	followupLines,
	interruptionLines,
	lastRun,
	stepLines,
	took,
	when,
} from "./step-lines.js";

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };
const SPECIAL = /[&<>"]/;
const SPECIALS = /[&<>"]/g;

/** Text as HTML: most of a record has nothing to escape, and is passed through as it is. */
const html = (text: unknown) => {
	const plain = String(text ?? "");
	return SPECIAL.test(plain) ? plain.replace(SPECIALS, (char) => ENTITIES[char] ?? char) : plain;
};

const COLOURS: Record<string, string> = {
	passed: "#1a7f37",
	failed: "#cf222e",
	skipped: "#8c959f",
	interrupted: "#bf8700",
	running: "#bf8700",
	pending: "#d0d7de",
};

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1f2328;max-width:1100px;margin:2em auto;padding:0 1.5em}
h1{font-size:1.6em;margin-bottom:.2em}h2{border-bottom:1px solid #d0d7de;padding-bottom:.2em;margin-top:1.6em}
h3{margin:1.4em 0 .3em}h3 small{font-weight:400;color:#59636e;font-size:.8em}
table{border-collapse:collapse;width:100%;margin:.5em 0;table-layout:fixed}th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th{background:#f6f8fa}code{font:12px ui-monospace,monospace;background:#f6f8fa;padding:1px 4px;border-radius:4px;overflow-wrap:anywhere}
table.facts th{width:11em}
tr.more td{border-top:none;background:#fbfcfd;font-size:13px}tr.more ul{margin:0;padding-left:1.2em}tr.step td{border-bottom:none}
.status{font-weight:600}.miss{color:#cf222e;font-weight:600}.banner{padding:.6em 1em;border-radius:6px;background:#fff8c5;border:1px solid #d4a72c;margin:.6em 0}
.dry{position:sticky;top:0;z-index:2;margin:0 0 .8em;padding:.7em 1em;border:3px solid #cf222e;border-radius:6px;color:#fff;font-weight:700;font-size:1.15em;background:repeating-linear-gradient(135deg,#cf222e 0 18px,#a40e26 18px 36px)}
.dry span{display:block;font-weight:400;font-size:.85em}
.dry-edge{position:fixed;left:0;top:0;bottom:0;width:14px;background:repeating-linear-gradient(180deg,#cf222e 0 24px,#fff 24px 48px)}
.outcome{display:inline-block;padding:.2em .7em;border-radius:6px;color:#fff;font-weight:700}
.chart{margin:.4em 0 1em}figure{margin:0}figcaption{font-size:12px;color:#59636e}svg{max-width:100%;height:auto}
@media print{body{margin:0 0 0 20px;max-width:none}h2,h3{break-after:avoid}tr,figure{break-inside:avoid}.dry{position:static}}
`;

/** One self-contained HTML file: no external assets, printable, with a timeline by phase and monitor charts. */
export function renderHtml(report: Report): string {
	const { session, decision } = report;
	const title = `${session.checklist.title}${session.checklist.version ? ` ${session.checklist.version}` : ""}`;
	const dry = session.dryRun ? "DRY RUN — " : "";
	const parts: string[] = [
		"<!doctype html>",
		`<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${html(`${dry}Sign-off record: ${title}`)}</title><style>${STYLE}</style></head><body>`,
	];
	if (session.dryRun)
		parts.push(
			'<div class="dry-edge" aria-hidden="true"></div>',
			`<div class="dry" role="alert">${html(DRY_RUN)}<span>${html(DRY_RUN_MEANS)}</span></div>`,
		);
	parts.push(`<h1>${html(`${dry}Sign-off record: ${title}`)}</h1>`);
	if (!session.finished)
		parts.push('<p class="banner">Unfinished session: this record shows the steps so far.</p>');
	parts.push(
		'<table class="facts">',
		row("Session", `<code>${html(session.id)}</code>${session.dryRun ? " <strong>(dry run)</strong>" : ""}`),
		row("State", `<span class="status">${html(session.status)}</span>`),
		session.abandoned
			? row("Abandoned", html(`${when(session.abandoned.at)}: ${session.abandoned.reason}`))
			: "",
		row(
			"Checklist",
			`<code>${html(session.checklist.id)}</code> ${html(session.checklist.version)} — <code>${html(session.checklist.file)}</code>`,
		),
		row("Checklist SHA-256", `<code>${html(session.checklist.sha256)}</code>`),
		row("Operator", `${html(session.operator)} (${html(session.user)}@${html(session.host)})`),
		row("Started", html(when(session.startedAt))),
		row("Ended", html(when(session.endedAt) || "—")),
		row("Interruptions", report.interruptions.length === 0 ? "none" : String(report.interruptions.length)),
		"</table>",
	);
	if (decision) {
		const colour =
			decision.outcome === "GO" ? "#1a7f37" : decision.outcome === "NO-GO" ? "#cf222e" : "#9a6700";
		parts.push(
			`<h2>Outcome <span class="outcome" style="background:${colour}">${html(decision.outcome)}</span>${session.dryRun ? " (dry run)" : ""}</h2>`,
			decision.decided
				? `<p>The decision step said ${html(decision.decided)}; what came after it made this a NO-GO.</p>`
				: "",
			list(decision.reasons),
		);
		if (decision.conditions.length > 0) parts.push("<p>Conditions:</p>", list(decision.conditions));
	}
	if (report.approvals.length > 0) {
		parts.push(
			"<h2>Approvals</h2><table><tr><th>Role</th><th>Name</th><th>Decision</th><th>Comment</th><th>Time</th><th>Entered by</th></tr>",
		);
		for (const approval of report.approvals) {
			parts.push(
				`<tr><td>${html(approval.role)}</td><td>${html(approval.name)}</td><td>${html(approval.decision)}</td><td>${html(approval.comment)}</td><td>${html(when(approval.at))}</td><td>${html(approval.enteredBy)}</td></tr>`,
			);
		}
		parts.push("</table>");
	}
	if (report.interruptions.length > 0)
		parts.push("<h2>Interruptions and resumes</h2>", list(interruptionLines(report)));
	const phases = phasesOf(report);
	parts.push("<h2>Timeline</h2>", timeline(phases, report));
	parts.push("<h2>Steps</h2>");
	for (const phase of phases) parts.push(phaseTable(phase));
	const monitors = report.steps.filter((step) => (step.readings?.length ?? 0) > 0);
	if (monitors.length > 0) {
		parts.push("<h2>Monitor readings</h2>");
		for (const step of monitors) parts.push(chart(step));
	}
	if (report.followups.length > 0) parts.push("<h2>Follow-ups</h2>", list(followupLines(report)));
	if (report.notes.length > 0) parts.push("<h2>Notes</h2>", list(report.notes));
	parts.push("<h2>Rollback plan</h2>");
	if (report.rollbackPlan.fired)
		parts.push(`<p><strong>Triggered by</strong> ${html(report.rollbackPlan.fired)}</p>`);
	if (report.rollbackPlan.triggers.length > 0)
		parts.push("<p>Roll back when:</p>", list(report.rollbackPlan.triggers));
	parts.push(
		`<ol>${report.rollbackPlan.actions.map((action) => `<li>${html(action.description)}</li>`).join("")}</ol>`,
	);
	if (report.rollbacks.length > 0) {
		parts.push("<h2>Rollbacks carried out</h2>");
		for (const run of rollbackRuns(report)) parts.push(`<p>${html(run.heading)}</p>`, list(run.actions));
	}
	parts.push(
		"<h2>Audit</h2>",
		`<p>The session log held ${report.audit.events} events ending in <code>${html(report.audit.head)}</code>; <code>rollout verify ${html(session.id)}</code> checks that it still does.</p>`,
		"</body></html>",
		"",
	);
	return parts.join("\n");
}

function row(label: string, value: string): string {
	return `<tr><th>${html(label)}</th><td>${value}</td></tr>`;
}

function list(items: readonly string[]): string {
	return `<ul>${items.map((item) => `<li>${html(item)}</li>`).join("")}</ul>`;
}

/** How a phase's steps ended, in a few words: "12 steps: 10 passed, 1 failed, 1 skipped". */
function tally(steps: readonly ReportStep[]): string {
	const counts = new Map<string, number>();
	for (const step of steps) counts.set(step.status, (counts.get(step.status) ?? 0) + 1);
	return `${steps.length} step${steps.length === 1 ? "" : "s"}: ${[...counts].map(([status, count]) => `${count} ${status}`).join(", ")}`;
}

/** A phase's steps: one row of facts per step, and under it everything a reviewer checks. */
function phaseTable(phase: Phase): string {
	const rows = phase.steps.map((step) => {
		const figureCells = figures(step)
			.map((figure) =>
				figure.endsWith("✗") || figure.includes(": met at ")
					? `<span class="miss">${html(figure)}</span>`
					: html(figure),
			)
			.join("<br>");
		const lines = stepLines(step);
		const head = `<tr class="${lines.length > 0 ? "step" : ""}"><td><code>${html(step.id)}</code> ${html(step.title)}${step.critical ? " <em>(critical)</em>" : ""}</td><td class="status" style="color:${COLOURS[step.status] ?? "#1f2328"}">${html(step.status)}</td><td>${html(lastRun(step))}</td><td>${html(step.by)}</td><td>${figureCells}</td><td>${html(took(step))}</td></tr>`;
		return lines.length > 0 ? `${head}<tr class="more"><td colspan="6">${list(lines)}</td></tr>` : head;
	});
	return [
		`<section><h3>${html(phase.title)} <small>${html(phase.id)} · ${html(tally(phase.steps))}</small></h3>`,
		'<table><colgroup><col style="width:31%"><col style="width:9%"><col style="width:14%"><col style="width:13%"><col style="width:24%"><col style="width:9%"></colgroup>',
		"<tr><th>Step</th><th>Status</th><th>Last run</th><th>By</th><th>Figures (limits)</th><th>Took</th></tr>",
		...rows,
		"</table></section>",
	].join("\n");
}

type Phase = ReturnType<typeof phasesOf>[number];

/**
 * One row per phase on one time axis, each step a mark from its start to its end, so a
 * checklist of hundreds of steps stays a picture of a dozen rows; stops of the session are
 * shaded across all of them.
 */
function timeline(phases: readonly Phase[], report: Report): string {
	const timed = report.steps.filter((step) => step.startedAt && step.endedAt);
	if (timed.length === 0) return "<p>No step has run yet.</p>";
	let start = Number.POSITIVE_INFINITY;
	let end = Number.NEGATIVE_INFINITY;
	for (const step of timed) {
		start = Math.min(start, Date.parse(step.startedAt ?? ""));
		end = Math.max(end, Date.parse(step.endedAt ?? ""));
	}
	const span = Math.max(end - start, 1);
	const [width, rowHeight, label, right] = [1000, 22, 250, 150];
	const plot = width - label - right;
	const x = (iso: string) => label + ((Date.parse(iso) - start) / span) * plot;
	const height = phases.length * rowHeight;
	const stops = report.interruptions
		.filter((stop) => stop.resumedAt)
		.map((stop) => {
			const from = Math.max(x(stop.stoppedAt), label);
			const to = Math.min(x(stop.resumedAt ?? stop.stoppedAt), label + plot);
			return `<rect x="${from.toFixed(1)}" y="0" width="${Math.max(to - from, 2).toFixed(1)}" height="${height}" fill="${stop.clean ? "#d0d7de" : "#ffd8b5"}" opacity="0.7"><title>${html(`${stop.clean ? "closed" : "stopped without closing"} ${when(stop.stoppedAt)}, resumed ${when(stop.resumedAt)}`)}</title></rect>`;
		});
	const rows = phases.map((phase, index) => {
		const y = index * rowHeight;
		const name = phase.title.length > 38 ? `${phase.title.slice(0, 37)}…` : phase.title;
		const marks = phase.steps
			.filter((step) => step.startedAt && step.endedAt)
			.map((step) => {
				const from = x(step.startedAt ?? "");
				const w = Math.max(x(step.endedAt ?? "") - from, 1.5);
				return `<rect x="${from.toFixed(1)}" y="${y + 4}" width="${w.toFixed(1)}" height="${rowHeight - 8}" fill="${COLOURS[step.status] ?? "#8c959f"}"><title>${html(`${step.id}: ${step.status}, ${took(step)}`)}</title></rect>`;
			});
		const failed = phase.steps.filter((step) => step.status === "failed").length;
		const passed = phase.steps.filter((step) => step.status === "passed").length;
		const summary = `${passed}/${phase.steps.length} passed${failed > 0 ? `, ${failed} failed` : ""}`;
		return `<g><text x="0" y="${y + 15}" font-size="12"><title>${html(phase.title)}</title>${html(name)}</text><line x1="${label}" x2="${label + plot}" y1="${y + rowHeight / 2}" y2="${y + rowHeight / 2}" stroke="#eaeef2"/>${marks.join("")}<text x="${label + plot + 8}" y="${y + 15}" font-size="12" fill="${failed > 0 ? "#cf222e" : "#59636e"}">${html(summary)}</text></g>`;
	});
	const axis = `<text x="${label}" y="${height + 14}" font-size="11" fill="#59636e">${html(when(new Date(start).toISOString()))}</text><text x="${label + plot}" y="${height + 14}" font-size="11" fill="#59636e" text-anchor="end">${html(when(new Date(end).toISOString()))}</text>`;
	return `<figure class="chart"><svg xmlns="http://www.w3.org/2000/svg" width="100%" viewBox="0 0 ${width} ${height + 20}" role="img" aria-label="Step timeline">${stops.join("")}${rows.join("")}${axis}</svg><figcaption>${html(formatDuration(span))} from the first step to the last, one row per phase; each mark is a step, coloured by how it ended${report.interruptions.length > 0 ? "; shaded: the session was stopped" : ""}</figcaption></figure>`;
}

/** A line chart of a monitor's readings, with its warn and critical levels. */
function chart(step: ReportStep): string {
	const readings = (step.readings ?? []).filter((reading) => reading.value !== undefined);
	const evidence = (step.evidence ?? {}) as { monitor?: { summary?: string } };
	const caption = html(evidence.monitor?.summary ?? step.title);
	if (readings.length === 0) return `<p>${caption}: no valid reading.</p>`;
	const values = readings.map((reading) => reading.value ?? 0);
	const levels = (evidence as { levels?: { warn?: number; critical?: number } }).levels ?? {};
	const all = [
		...values,
		...[levels.warn, levels.critical].filter((value): value is number => value !== undefined),
	];
	const [low, high] = [Math.min(...all), Math.max(...all)];
	const range = high - low || 1;
	const [width, height, pad] = [600, 120, 30];
	const x = (index: number) =>
		pad + (readings.length === 1 ? 0 : (index / (readings.length - 1)) * (width - 2 * pad));
	const y = (value: number) => height - pad / 2 - ((value - low) / range) * (height - pad);
	const line = values.map((value, index) => `${x(index).toFixed(1)},${y(value).toFixed(1)}`).join(" ");
	const level = (value: number | undefined, colour: string, name: string) =>
		value === undefined
			? ""
			: `<line x1="${pad}" x2="${width - pad}" y1="${y(value).toFixed(1)}" y2="${y(value).toFixed(1)}" stroke="${colour}" stroke-dasharray="4 3"/><text x="${width - pad + 2}" y="${(y(value) + 4).toFixed(1)}" font-size="10" fill="${colour}">${name}</text>`;
	const dots = values.map(
		(value, index) =>
			`<circle cx="${x(index).toFixed(1)}" cy="${y(value).toFixed(1)}" r="2.5" fill="#0969da"><title>${formatNumber(value)}</title></circle>`,
	);
	return `<figure class="chart"><svg xmlns="http://www.w3.org/2000/svg" width="${width + 40}" height="${height}" viewBox="0 0 ${width + 40} ${height}" role="img" aria-label="${caption}"><text x="0" y="12" font-size="10">${formatNumber(high)}</text><text x="0" y="${height - 4}" font-size="10">${formatNumber(low)}</text>${level(levels.warn, "#bf8700", "warn")}${level(levels.critical, "#cf222e", "critical")}<polyline points="${line}" fill="none" stroke="#0969da" stroke-width="1.5"/>${dots.join("")}</svg><figcaption>${caption}</figcaption></figure>`;
}
