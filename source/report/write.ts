import { chmodSync } from "node:fs";
import { join } from "node:path";
import { sessionModes, writeFileAtomicSync } from "../session/atomic.js";
import type { SessionRecord } from "../session/events.js";
import type { SessionState } from "../session/reduce.js";
import type { Anchor } from "../session/store.js";
import { buildReport, type Report } from "./model.js";
import { renderHtml } from "./render-html.js";
import { renderJunit } from "./render-junit.js";
import { renderMarkdown, renderRollbackPlanMarkdown } from "./render-markdown.js";
import { renderRollbackScript } from "./render-script.js";
import { deriveRollbackPlan } from "./rollback-plan.js";
import { type SessionData, sessionData } from "./session-data.js";

export const FORMATS = ["md", "html", "json", "junit"] as const;
export type Format = (typeof FORMATS)[number];

/** The file name an export gets in the session folder. */
export const EXPORT_NAMES: Record<Format, string> = {
	md: "report.md",
	html: "report.html",
	json: "report.json",
	junit: "report.junit.xml",
};

export function render(report: Report, format: Format): string {
	switch (format) {
		case "md":
			return renderMarkdown(report);
		case "html":
			return renderHtml(report);
		case "json":
			return `${JSON.stringify(report, null, 2)}\n`;
		case "junit":
			return renderJunit(report);
	}
}

/** Writes a session's record in one format (by default into the session folder) and says where. */
export function writeExport(
	dir: string,
	data: SessionData,
	format: Format,
	out = join(dir, EXPORT_NAMES[format]),
): string {
	writeFileAtomicSync(out, render(buildReport(data), format));
	return out;
}

/**
 * Writes the sign-off record (signoff.md, signoff.json) and the rollback plan
 * (rollback-plan.md, rollback-plan.sh) into the session folder, each atomically.
 */
export function writeRecordFiles(
	dir: string,
	records: readonly SessionRecord[],
	state?: SessionState,
	audit?: Anchor,
): Report {
	const data = sessionData(dir, records, state, audit);
	const report = buildReport(data);
	writeFileAtomicSync(join(dir, "signoff.md"), renderMarkdown(report));
	writeFileAtomicSync(join(dir, "signoff.json"), render(report, "json"));
	writeFileAtomicSync(join(dir, "rollback-plan.md"), renderRollbackPlanMarkdown(report));
	const script = join(dir, "rollback-plan.sh");
	writeFileAtomicSync(
		script,
		renderRollbackScript(deriveRollbackPlan(data), dir, report.session.id, data.state.cwd),
	);
	chmodSync(script, sessionModes().file | 0o100);
	return report;
}
