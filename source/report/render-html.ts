import { formatDuration } from "../checklist/duration.js";
import { formatNumber } from "../runner/thresholds.js";
import type { Report, ReportStep } from "./model.js";
import { figures, rollbackRuns } from "./render-markdown.js";

const html = (text: unknown) =>
	String(text ?? "")
		.replaceAll("&", "&amp;")
		.replaceAll("<", "&lt;")
		.replaceAll(">", "&gt;")
		.replaceAll('"', "&quot;");

const COLOURS: Record<string, string> = {
	passed: "#1a7f37",
	failed: "#cf222e",
	skipped: "#8c959f",
	interrupted: "#bf8700",
	running: "#bf8700",
	pending: "#d0d7de",
};

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1f2328;max-width:1000px;margin:2em auto;padding:0 1em}
h1{font-size:1.6em;margin-bottom:.2em}h2{border-bottom:1px solid #d0d7de;padding-bottom:.2em;margin-top:1.6em}
table{border-collapse:collapse;width:100%;margin:.5em 0}th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa}code{font:12px ui-monospace,monospace;background:#f6f8fa;padding:1px 4px;border-radius:4px}
.status{font-weight:600}.banner{padding:.6em 1em;border-radius:6px;background:#fff8c5;border:1px solid #d4a72c;margin:.6em 0}
.outcome{display:inline-block;padding:.2em .7em;border-radius:6px;color:#fff;font-weight:700}
.chart{margin:.4em 0 1em}figure{margin:0}figcaption{font-size:12px;color:#59636e}
@media print{body{margin:0;max-width:none}h2{break-after:avoid}table,figure{break-inside:avoid}}
`;

/** One self-contained HTML file: no external assets, printable, with a step timeline and monitor charts. */
export function renderHtml(report: Report): string {
	const { session, decision } = report;
	const title = `${session.checklist.title}${session.checklist.version ? ` ${session.checklist.version}` : ""}`;
	const parts: string[] = [
		"<!doctype html>",
		`<html lang="en"><head><meta charset="utf-8"><title>${html(`Sign-off record: ${title}`)}</title><style>${STYLE}</style></head><body>`,
		`<h1>Sign-off record: ${html(title)}</h1>`,
	];
	if (!session.finished)
		parts.push('<p class="banner">Unfinished session: this record shows the steps so far.</p>');
	if (session.dryRun) parts.push('<p class="banner">Dry run: nothing was changed and no command ran.</p>');
	parts.push(
		"<table>",
		row("Session", `<code>${html(session.id)}</code>`),
		row("State", `<span class="status">${html(session.status)}</span>`),
		row(
			"Checklist",
			`<code>${html(session.checklist.id)}</code> ${html(session.checklist.version)} — <code>${html(session.checklist.file)}</code>`,
		),
		row("Checklist SHA-256", `<code>${html(session.checklist.sha256)}</code>`),
		row("Operator", `${html(session.operator)} (${html(session.user)}@${html(session.host)})`),
		row("Started", html(session.startedAt)),
		row("Ended", html(session.endedAt ?? "—")),
		"</table>",
	);
	if (decision) {
		const colour =
			decision.outcome === "GO" ? "#1a7f37" : decision.outcome === "NO-GO" ? "#cf222e" : "#9a6700";
		parts.push(
			`<h2>Outcome <span class="outcome" style="background:${colour}">${html(decision.outcome)}</span></h2>`,
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
				`<tr><td>${html(approval.role)}</td><td>${html(approval.name)}</td><td>${html(approval.decision)}</td><td>${html(approval.comment)}</td><td>${html(approval.at)}</td><td>${html(approval.enteredBy)}</td></tr>`,
			);
		}
		parts.push("</table>");
	}
	parts.push("<h2>Timeline</h2>", timeline(report.steps));
	parts.push(
		"<h2>Steps</h2><table><tr><th>Phase</th><th>Step</th><th>Status</th><th>Figures</th><th>Time</th><th>Details</th></tr>",
	);
	for (const step of report.steps) {
		parts.push(
			`<tr><td>${html(step.phase)}</td><td><code>${html(step.id)}</code> ${html(step.title)}${step.critical ? " <em>(critical)</em>" : ""}</td><td class="status" style="color:${COLOURS[step.status] ?? "#1f2328"}">${html(step.status)}</td><td>${html(figures(step))}</td><td>${step.durationMs === undefined ? "" : html(formatDuration(step.durationMs))}</td><td>${html([step.reason, ...step.details, step.override && `overridden: ${step.override}`, step.notes && `notes: ${step.notes}`].filter(Boolean).join("; "))}</td></tr>`,
		);
	}
	parts.push("</table>");
	const monitors = report.steps.filter((step) => (step.readings?.length ?? 0) > 0);
	if (monitors.length > 0) {
		parts.push("<h2>Monitor readings</h2>");
		for (const step of monitors) parts.push(chart(step));
	}
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

/** A bar per step from its start to its end, on one time axis. */
function timeline(steps: readonly ReportStep[]): string {
	const timed = steps.filter((step) => step.startedAt && step.endedAt);
	if (timed.length === 0) return "<p>No step has run yet.</p>";
	const start = Math.min(...timed.map((step) => Date.parse(step.startedAt ?? "")));
	const end = Math.max(...timed.map((step) => Date.parse(step.endedAt ?? "")));
	const span = Math.max(end - start, 1);
	const [width, rowHeight, label] = [960, 16, 220];
	const bars = timed.map((step, index) => {
		const x = label + ((Date.parse(step.startedAt ?? "") - start) / span) * (width - label - 10);
		const w = Math.max(((step.durationMs ?? 0) / span) * (width - label - 10), 2);
		const y = index * rowHeight;
		return `<text x="0" y="${y + 12}" font-size="11">${html(step.id.slice(0, 32))}</text><rect x="${x.toFixed(1)}" y="${y + 3}" width="${w.toFixed(1)}" height="${rowHeight - 5}" fill="${COLOURS[step.status] ?? "#8c959f"}"><title>${html(`${step.id}: ${step.status}, ${formatDuration(step.durationMs ?? 0)}`)}</title></rect>`;
	});
	return `<figure class="chart"><svg xmlns="http://www.w3.org/2000/svg" width="100%" viewBox="0 0 ${width} ${timed.length * rowHeight}" role="img" aria-label="Step timeline">${bars.join("")}</svg><figcaption>${html(formatDuration(span))} from the first step to the last</figcaption></figure>`;
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
