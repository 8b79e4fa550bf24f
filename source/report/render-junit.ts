import type { Report, ReportStep } from "./model.js";
import { rollbackRuns } from "./render-markdown.js";
import { DRY_RUN, figures, lastRun, stepLines } from "./step-lines.js";

const xml = (text: unknown) =>
	String(text ?? "")
		.replaceAll("&", "&amp;")
		.replaceAll("<", "&lt;")
		.replaceAll(">", "&gt;")
		.replaceAll('"', "&quot;")
		// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters XML 1.0 cannot carry at all.
		.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, "");

const seconds = (step: ReportStep) => ((step.durationMs ?? 0) / 1000).toFixed(3);

/** JUnit XML: one testsuite per phase, one testcase per step, so CI dashboards show a rollout like a test run. */
export function renderJunit(report: Report): string {
	const phases = [...new Set(report.steps.map((step) => step.phase))];
	const count = (steps: readonly ReportStep[], status: (step: ReportStep) => boolean) =>
		steps.filter(status).length;
	const failed = (step: ReportStep) => step.status === "failed";
	const skipped = (step: ReportStep) => step.status === "skipped" || step.status === "pending";
	const errored = (step: ReportStep) => step.status === "interrupted" || step.status === "running";
	const total = (steps: readonly ReportStep[]) =>
		steps.reduce((sum, step) => sum + (step.durationMs ?? 0), 0) / 1000;
	const out = [
		'<?xml version="1.0" encoding="UTF-8"?>',
		`<testsuites name="${xml(`${report.session.dryRun ? "DRY RUN — " : ""}${report.session.checklist.title}`)}" tests="${report.steps.length}" failures="${count(report.steps, failed)}" errors="${count(report.steps, errored)}" skipped="${count(report.steps, skipped)}" time="${total(report.steps).toFixed(3)}">`,
	];
	for (const phase of phases) {
		const steps = report.steps.filter((step) => step.phase === phase);
		const title = steps[0]?.phaseTitle ?? phase;
		out.push(
			`  <testsuite name="${xml(phase)}" tests="${steps.length}" failures="${count(steps, failed)}" errors="${count(steps, errored)}" skipped="${count(steps, skipped)}" time="${total(steps).toFixed(3)}"${steps[0]?.startedAt ? ` timestamp="${steps[0].startedAt}"` : ""}>`,
			"    <properties>",
			`      <property name="title" value="${xml(title)}"/>`,
			...(report.session.dryRun ? [`      <property name="dryRun" value="${xml(DRY_RUN)}"/>`] : []),
			"    </properties>",
		);
		for (const step of steps) {
			const open = `    <testcase classname="${xml(`${report.session.checklist.id}.${phase}`)}" name="${xml(`${step.id}: ${step.title}`)}" time="${seconds(step)}"`;
			const said = systemOut(step);
			if (step.status === "passed") {
				out.push(...(said ? [`${open}>`, said, "    </testcase>"] : [`${open}/>`]));
			} else if (failed(step)) {
				out.push(
					`${open}>`,
					`      <failure message="${xml(step.reason ?? "failed")}">${xml(step.override ? `overridden: ${step.override}` : (step.reason ?? ""))}</failure>`,
					...(said ? [said] : []),
					"    </testcase>",
				);
			} else if (errored(step)) {
				out.push(
					`${open}>`,
					`      <error message="${xml(step.reason ?? "interrupted")}"/>`,
					...(said ? [said] : []),
					"    </testcase>",
				);
			} else {
				const why =
					step.status === "pending" ? "not run: the session is unfinished" : (step.reason ?? "skipped");
				out.push(
					`${open}>`,
					`      <skipped message="${xml(why)}"/>`,
					...(said ? [said] : []),
					"    </testcase>",
				);
			}
		}
		out.push("  </testsuite>");
	}
	if (report.approvals.length > 0) {
		const rejected = report.approvals.filter((approval) => approval.decision === "reject").length;
		out.push(
			`  <testsuite name="approvals" tests="${report.approvals.length}" failures="${rejected}" errors="0" skipped="0">`,
		);
		for (const approval of report.approvals) {
			const head = `    <testcase classname="${xml(`${report.session.checklist.id}.approvals`)}" name="${xml(`${approval.role}: ${approval.name} (${approval.decision})`)}">`;
			out.push(
				head,
				...(approval.decision === "reject"
					? [`      <failure message="${xml(approval.comment ?? "rejected")}"/>`]
					: []),
				`      <system-out>${xml(`entered ${approval.at}${approval.enteredBy ? ` by ${approval.enteredBy}` : ""}${approval.comment ? ` — ${approval.comment}` : ""}`)}</system-out>`,
				"    </testcase>",
			);
		}
		out.push("  </testsuite>");
	}
	for (const [index, run] of rollbackRuns(report).entries()) {
		const failedRun = report.rollbacks[index]?.ok !== true;
		out.push(
			`  <testsuite name="${xml(`rollback ${index + 1}`)}" tests="1" failures="${failedRun ? 1 : 0}" errors="0" skipped="0">`,
			`    <testcase classname="${xml(`${report.session.checklist.id}.rollback`)}" name="${xml(run.heading)}">`,
			...(failedRun ? [`      <failure message="${xml(run.heading)}"/>`] : []),
			`      <system-out>${xml(run.actions.join("\n"))}</system-out>`,
			"    </testcase>",
			"  </testsuite>",
		);
	}
	out.push("</testsuites>", "");
	return out.join("\n");
}

/** Everything the other formats show of a step, as the test case's output: CI pages show it beside the result. */
function systemOut(step: ReportStep): string | undefined {
	const figureList = figures(step);
	const lines = [
		...(step.startedAt ? [`last run: ${lastRun(step)}${step.by ? ` by ${step.by}` : ""}`] : []),
		...(figureList.length > 0 ? [`figures: ${figureList.join(", ")}`] : []),
		...stepLines(step),
	];
	return lines.length > 0 ? `      <system-out>${xml(lines.join("\n"))}</system-out>` : undefined;
}
