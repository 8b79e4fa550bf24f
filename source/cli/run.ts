import { userInfo } from "node:os";
import { formatDuration } from "../checklist/duration.js";
import { type Answers, answerProblems } from "../engine/answers.js";
import { Engine } from "../engine/engine.js";
import { formatResult } from "../engine/rollback.js";
import { criticalFailure, runUnattended, type StepReport } from "../engine/unattended.js";
import { formatNumber } from "../runner/thresholds.js";
import { endedBadly, listingStatus } from "../session/rules.js";
import type { SessionStore } from "../session/store.js";
import { moduleNamed } from "../steps/registry.js";
import { colorsFor, EXIT, OperatorError } from "./output.js";
import { readAnswers, sayWaiting, sessionToOpen } from "./reopen.js";
import { resumeHint } from "./sessions-dir.js";

export interface RunFlags {
	readonly answers: string;
	readonly var: Record<string, string>;
	readonly operator?: string;
	readonly dryRun?: boolean;
	readonly acceptChangedChecklist?: boolean;
	/** false with --no-auto-rollback: a monitor breach with onCritical: rollback then only reports. */
	readonly autoRollback?: boolean;
}

/** `rollout run <checklist> --answers <file>`: the whole checklist, unattended. */
export async function runChecklist(
	checklistPath: string,
	sessionsDir: string,
	flags: RunFlags,
): Promise<number> {
	const answers = readAnswers(flags.answers);
	const operator = flags.operator ?? answers.operator ?? (await configuredOperator()) ?? userInfo().username;
	const engine = await Engine.start({
		checklistPath,
		vars: flags.var,
		operator,
		sessionsDir,
		dryRun: flags.dryRun === true,
	});
	return drive(engine, answers, flags.autoRollback !== false);
}

/** `rollout resume <session> --answers <file>`: continues an unfinished session from its first unfinished step. */
export async function resumeOpened(store: SessionStore, answers: Answers, flags: RunFlags): Promise<number> {
	const engine = await Engine.resumeOpened(store, {
		acceptChangedChecklist: flags.acceptChangedChecklist === true,
		toWalk: true,
	});
	sayNotices(engine);
	return drive(engine, answers, flags.autoRollback !== false);
}

/** `rollout followup <session> <followup-id> --answers <file>`: runs a follow-up into the session's record, unattended. */
export async function runFollowup(
	idOrPrefix: string,
	followupId: string,
	sessionsDir: string,
	flags: RunFlags,
): Promise<number> {
	const { engine, answers } = await reopen(idOrPrefix, sessionsDir, flags);
	try {
		engine.startFollowup(followupId);
		const early = engine.notices.at(-1);
		if (early?.startsWith(`${followupId} is due`))
			process.stderr.write(`${colorsFor(process.stderr).yellow("note")} ${early}\n`);
	} catch (error) {
		await engine.close();
		throw error;
	}
	return drive(engine, answers, flags.autoRollback !== false);
}

/** Opens a session to run a follow-up into, with its answers, saying what resuming found. */
async function reopen(
	idOrPrefix: string,
	sessionsDir: string,
	flags: RunFlags,
): Promise<{ engine: Engine; answers: Answers }> {
	const answers = readAnswers(flags.answers);
	const engine = await Engine.resume({
		store: { onWait: sayWaiting },
		sessionsDir,
		id: sessionToOpen(idOrPrefix, sessionsDir),
		acceptChangedChecklist: flags.acceptChangedChecklist === true,
	});
	sayNotices(engine);
	return { engine, answers };
}

function sayNotices(engine: Engine): void {
	const c = colorsFor(process.stderr);
	for (const notice of engine.notices) process.stderr.write(`${c.yellow("note")} ${notice}\n`);
}

async function drive(engine: Engine, answers: Answers, autoRollback: boolean): Promise<number> {
	const problems = answerProblems(answers, engine.definition);
	if (problems.length > 0) {
		await engine.close("answers file does not fit the checklist");
		throw new OperatorError(problems.join("\n"), EXIT.usage);
	}
	const out = colorsFor(process.stdout);
	const dry = engine.state.dryRun ? " (dry run: nothing is changed, no command runs)" : "";
	process.stdout.write(`${out.bold(engine.definition.title)} — session ${engine.id}${dry}\n`);
	const controller = new AbortController();
	let signals = 0;
	const onSignal = (signal: NodeJS.Signals) => {
		signals++;
		if (signals > 1) process.exit(EXIT.interrupted);
		process.stderr.write(
			`\n${signal}: stopping the running command; the session is kept (press again to quit at once)\n`,
		);
		controller.abort();
	};
	const signalNames: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
	for (const name of signalNames) process.on(name, onSignal);
	try {
		const result = await runUnattended(engine, answers, {
			signal: controller.signal,
			report: (line) => process.stdout.write(formatReport(line, out)),
		});
		const current = engine.current();
		if (result.interrupted) {
			if (current) engine.interrupt(current.step.id, "interrupted by a signal");
			process.stdout.write(`interrupted — resume with: ${resumeCommand(engine, answers)}\n`);
			process.stdout.write(`session: ${engine.id}\n`);
			return EXIT.interrupted;
		}
		const decision = result.decision;
		if (decision) process.stdout.write(`decision: ${paintOutcome(decision, out)}\n`);
		// A NO-GO says why on the lines below it (the record has every reason).
		if (decision === "NO-GO")
			for (const reason of (engine.outcome()?.reasons ?? []).slice(0, 3))
				process.stdout.write(`  ${out.dim(reason)}\n`);
		const fired = engine.state.dryRun ? undefined : engine.rollbackPlan().fired;
		if (fired && autoRollback) {
			process.stdout.write(`${out.red("rolling back")}: ${fired}\n`);
			const rolledBack = await engine.rollback({
				signal: controller.signal,
				report: (action, outcome) => process.stdout.write(`  ${formatResult(action, outcome, out)}\n`),
			});
			process.stdout.write(
				rolledBack.ok
					? `${out.green("rolled back")}\n`
					: `${out.red("rollback failed")}: ${rolledBack.failedAction}\n`,
			);
		} else if (fired) {
			process.stdout.write(`rollback needed (${fired}): rollout rollback ${engine.id}\n`);
		}
		const failed = criticalFailure(engine);
		if (failed && !decision) process.stdout.write(`${out.red("failed")}: critical step ${failed} failed\n`);
		const status = listingStatus(engine.state);
		if (status === "in progress" && engine.current())
			process.stdout.write(`stopped before the end — resume with: ${resumeCommand(engine, answers)}\n`);
		process.stdout.write(`session: ${engine.id}\n`);
		return endedBadly(engine.state) || failed ? EXIT.failed : EXIT.ok;
	} finally {
		for (const name of signalNames) process.off(name, onSignal);
		await engine.close(controller.signal.aborted ? "interrupted" : "run ended");
	}
}

/** The command that continues this session unattended, with the options it needs to find it. */
function resumeCommand(engine: Engine, answers: Answers): string {
	return resumeHint(engine.dir, engine.id, ["--answers", answers.file]);
}

const SYMBOL = { passed: "✓", failed: "✗", skipped: "-", interrupted: "!" } as const;

function formatReport(line: StepReport, c: ReturnType<typeof colorsFor>): string {
	const { outcome } = line;
	const paint = { passed: c.green, failed: c.red, skipped: c.dim, interrupted: c.yellow }[outcome.status];
	const decision = moduleNamed(line.kind)?.mode === "decision";
	const figure = decision ? (outcome.reason ?? "") : keyFigure(outcome);
	if (outcome.summary) {
		const why = outcome.status === "failed" && outcome.reason ? `\n    ${c.dim(outcome.reason)}` : "";
		return `${paint(SYMBOL[outcome.status])} ${outcome.summary}${why}\n`;
	}
	const head = `${paint(SYMBOL[outcome.status])} ${line.stepId.padEnd(30)} ${paint(outcome.status.padEnd(11))} ${formatDuration(line.durationMs).padStart(7)}${figure ? `  ${figure}` : ""}`;
	const showReason = outcome.reason && !decision && outcome.status !== "passed";
	return `${head}\n${showReason ? `    ${c.dim(outcome.reason ?? "")}\n` : ""}`;
}

function keyFigure(outcome: StepReport["outcome"]): string {
	const metrics = outcome.metrics ?? {};
	if (metrics.pass_rate !== undefined) return `pass_rate ${formatNumber(metrics.pass_rate)}`;
	if (metrics.files !== undefined) return `${metrics.files} file(s)`;
	const [name, value] = Object.entries(metrics)[0] ?? [];
	return name === undefined || value === undefined ? "" : `${name} ${formatNumber(value)}`;
}

function paintOutcome(outcome: string, c: ReturnType<typeof colorsFor>): string {
	return outcome === "GO" ? c.green(outcome) : outcome === "NO-GO" ? c.red(outcome) : c.yellow(outcome);
}

async function configuredOperator(): Promise<string | undefined> {
	const { readConfig } = await import("./config-store.js");
	return readConfig().operator;
}
