import { formatDuration } from "../checklist/duration.js";
import { formatNumber } from "../runner/thresholds.js";
import type { Report, ReportStep } from "./model.js";

const cell = (text: unknown) =>
	String(text ?? "")
		.replaceAll("|", "\\|")
		.replaceAll("\n", " ");

/** The figures a reader looks for first. */
const PREFERRED = ["pass_rate", "value", "passed", "failed", "tests", "failures", "files"];

/** Figures of a step in one line: "pass_rate 98.2, passed 491". */
export function figures(step: ReportStep): string {
	const rank = (name: string) => {
		const index = PREFERRED.indexOf(name);
		return index < 0 ? PREFERRED.length : index;
	};
	return Object.entries(step.metrics ?? {})
		.sort(([a], [b]) => rank(a) - rank(b))
		.slice(0, 4)
		.map(([name, value]) => `${name} ${formatNumber(value)}`)
		.join(", ");
}

/** The sign-off record as Markdown, readable on a code host. */
export function renderMarkdown(report: Report): string {
	const { session, decision } = report;
	const out: string[] = [];
	out.push(
		`# Sign-off record: ${session.checklist.title}${session.checklist.version ? ` ${session.checklist.version}` : ""}`,
		"",
	);
	if (!session.finished) out.push("> **Unfinished session**: this record shows the steps so far.", "");
	if (session.dryRun) out.push("> **Dry run**: nothing was changed and no command ran.", "");
	out.push(
		"| | |",
		"| --- | --- |",
		`| Session | \`${session.id}\` |`,
		`| State | **${session.status}** |`,
		`| Checklist | \`${session.checklist.id}\` ${cell(session.checklist.version)} (\`${session.checklist.file}\`) |`,
		`| Checklist SHA-256 | \`${session.checklist.sha256}\` |`,
		`| Operator | ${cell(session.operator)} (${cell(session.user)}@${cell(session.host)}) |`,
		`| Started | ${session.startedAt} |`,
		`| Ended | ${session.endedAt ?? "—"} |`,
		"",
	);
	if (decision) {
		out.push(`## Outcome: ${decision.outcome}`, "");
		if (decision.decided)
			out.push(`The decision step said ${decision.decided}; what came after it made this a NO-GO.`, "");
		for (const reason of decision.reasons) out.push(`- ${reason}`);
		if (decision.conditions.length > 0) {
			out.push("", "Conditions:", "");
			for (const condition of decision.conditions) out.push(`- ${condition}`);
		}
		out.push("");
	}
	if (report.approvals.length > 0) {
		out.push(
			"## Approvals",
			"",
			"| Role | Name | Decision | Comment | Time | Entered by |",
			"| --- | --- | --- | --- | --- | --- |",
		);
		for (const approval of report.approvals) {
			out.push(
				`| ${cell(approval.role)} | ${cell(approval.name)} | ${approval.decision} | ${cell(approval.comment)} | ${approval.at} | ${cell(approval.enteredBy ?? "")} |`,
			);
		}
		out.push("");
	}
	out.push("## Steps", "");
	for (const phase of [...new Set(report.steps.map((step) => step.phase))]) {
		out.push(
			`### ${phase}`,
			"",
			"| Step | Kind | Status | Figures | Time |",
			"| --- | --- | --- | --- | --- |",
		);
		for (const step of report.steps.filter((item) => item.phase === phase)) {
			const title = `\`${step.id}\` ${cell(step.title)}${step.critical ? " (critical)" : ""}`;
			const time = step.durationMs === undefined ? "" : formatDuration(step.durationMs);
			out.push(`| ${title} | ${step.kind} | ${step.status} | ${cell(figures(step))} | ${time} |`);
		}
		out.push("");
		for (const step of report.steps.filter((item) => item.phase === phase)) {
			const details = stepDetails(step);
			if (details.length > 0) out.push(`- \`${step.id}\`: ${details.join("; ")}`);
		}
		out.push("");
	}
	if (report.notes.length > 0) {
		out.push("## Notes", "");
		for (const note of report.notes) out.push(`- ${note}`);
		out.push("");
	}
	out.push(renderRollbackPlanMarkdown(report, 2));
	if (report.rollbacks.length > 0) {
		out.push("## Rollbacks carried out", "");
		for (const run of rollbackRuns(report)) {
			out.push(`- ${run.heading}`);
			for (const action of run.actions) out.push(`  - ${action}`);
		}
		out.push("");
	}
	out.push(
		"## Audit",
		"",
		`The session log held ${report.audit.events} events ending in \`${report.audit.head}\` when this record was written; \`rollout verify ${session.id}\` checks that it still does.`,
		"",
	);
	return out.join("\n");
}

function stepDetails(step: ReportStep): string[] {
	return [
		...(step.reason ? [step.reason] : []),
		...step.details,
		...(step.override ? [`overridden: ${step.override}`] : []),
		...(step.notes ? [`notes: ${step.notes}`] : []),
		...(step.attempts > 1 ? [`${step.attempts} attempts`] : []),
	];
}

/** Every rollback carried out, with each action and how it ended. */
export function rollbackRuns(report: Report): { heading: string; actions: string[] }[] {
	return report.rollbacks.map((run) => ({
		heading: `${run.startedAt}: ${run.ok === undefined ? "unfinished" : run.ok ? "rolled back" : `failed at ${run.failedAction}`}${run.trigger ? ` (triggered by ${run.trigger})` : ""}`,
		actions: run.actions.map(
			(action) => `${action.action}: ${action.status}${action.detail ? ` (${action.detail})` : ""}`,
		),
	}));
}

/** The rollback plan as Markdown, on its own (rollback-plan.md) or inside the record. */
export function renderRollbackPlanMarkdown(report: Report, level = 1): string {
	const plan = report.rollbackPlan;
	const out = [
		`${"#".repeat(level)} Rollback plan${level === 1 ? `: ${report.session.checklist.title} (${report.session.id})` : ""}`,
		"",
	];
	if (plan.fired) out.push(`**Triggered by** ${plan.fired}`, "");
	if (plan.triggers.length > 0) {
		out.push("Roll back when:", "");
		for (const trigger of plan.triggers) out.push(`- ${trigger}`);
		out.push("");
	}
	if (plan.actions.length === 0)
		out.push("Nothing to undo: the session changed no flag and backed up no file.", "");
	else {
		out.push(
			`Run \`rollout rollback ${report.session.id}\`, or \`sh rollback-plan.sh\` where rollout is not at hand:`,
			"",
		);
		plan.actions.forEach((action, index) => {
			out.push(`${index + 1}. ${action.description}`);
		});
		out.push("");
	}
	return out.join("\n");
}
