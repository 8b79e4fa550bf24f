import type { Report, ReportStep } from "./model.js";
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

const CELL_SPECIAL = /[|\n]/;

/** Text for a table cell: a bar escaped, a line break a space; most text has neither and is kept as it is. */
const cell = (text: unknown) => {
	const plain = String(text ?? "");
	return CELL_SPECIAL.test(plain) ? plain.replaceAll("|", "\\|").replaceAll("\n", " ") : plain;
};

/** The sign-off record as Markdown, readable on a code host. */
export function renderMarkdown(report: Report): string {
	const { session, decision } = report;
	const out: string[] = [];
	const dry = session.dryRun ? "DRY RUN — " : "";
	out.push(
		`# ${dry}Sign-off record: ${session.checklist.title}${session.checklist.version ? ` ${session.checklist.version}` : ""}`,
		"",
	);
	if (session.dryRun) out.push(`> **${DRY_RUN}**`, `> ${DRY_RUN_MEANS}`, "");
	if (!session.finished) out.push("> **Unfinished session**: this record shows the steps so far.", "");
	out.push(
		"| | |",
		"| --- | --- |",
		`| Session | \`${session.id}\`${session.dryRun ? " (**dry run**)" : ""} |`,
		`| State | **${session.status}** |`,
		...(session.abandoned
			? [`| Abandoned | ${when(session.abandoned.at)}: ${cell(session.abandoned.reason)} |`]
			: []),
		`| Checklist | \`${session.checklist.id}\` ${cell(session.checklist.version)} (\`${session.checklist.file}\`) |`,
		`| Checklist SHA-256 | \`${session.checklist.sha256}\` |`,
		`| Operator | ${cell(session.operator)} (${cell(session.user)}@${cell(session.host)}) |`,
		`| Started | ${when(session.startedAt)} |`,
		`| Ended | ${when(session.endedAt) || "—"} |`,
		`| Interruptions | ${report.interruptions.length === 0 ? "none" : `${report.interruptions.length} (see below)`} |`,
		"",
	);
	if (decision) {
		out.push(`## Outcome: ${decision.outcome}${session.dryRun ? " (dry run)" : ""}`, "");
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
				`| ${cell(approval.role)} | ${cell(approval.name)} | ${approval.decision} | ${cell(approval.comment)} | ${when(approval.at)} | ${cell(approval.enteredBy ?? "")} |`,
			);
		}
		out.push("");
	}
	if (report.interruptions.length > 0) {
		out.push("## Interruptions and resumes", "");
		for (const line of interruptionLines(report)) out.push(`- ${line}`);
		out.push("");
	}
	out.push("## Steps", "");
	for (const phase of phasesOf(report)) {
		out.push(
			`### ${phase.title} (\`${phase.id}\`)`,
			"",
			"| Step | Kind | Status | Last run | By | Figures | Took |",
			"| --- | --- | --- | --- | --- | --- | --- |",
		);
		for (const step of phase.steps) {
			const title = `\`${step.id}\` ${cell(step.title)}${step.critical ? " (critical)" : ""}`;
			out.push(
				`| ${title} | ${step.kind} | ${step.status} | ${lastRun(step)} | ${cell(step.by)} | ${cell(figures(step).join(", "))} | ${took(step)} |`,
			);
		}
		out.push("");
		for (const step of phase.steps) {
			const lines = stepLines(step);
			if (lines.length > 0) out.push(`- \`${step.id}\`: ${lines.join("; ")}`);
		}
		out.push("");
	}
	if (report.followups.length > 0) {
		out.push("## Follow-ups", "");
		for (const line of followupLines(report)) out.push(`- ${line}`);
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

/** The phases (and follow-ups) in walk order, each with its title and steps; one pass over the steps. */
export function phasesOf(report: Report): { id: string; title: string; steps: ReportStep[] }[] {
	const phases = new Map<string, { id: string; title: string; steps: ReportStep[] }>();
	for (const step of report.steps) {
		const phase = phases.get(step.phase) ?? { id: step.phase, title: step.phaseTitle, steps: [] };
		phase.steps.push(step);
		phases.set(step.phase, phase);
	}
	return [...phases.values()];
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
