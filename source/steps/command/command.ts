import { appendFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { formatDuration } from "../../checklist/duration.js";
import { compilePattern } from "../../checklist/pattern.js";
import type { Step } from "../../checklist/schema.js";
import { formatBytes } from "../../runner/log-cap.js";
import { createParser } from "../../runner/parsers.js";
import { normaliseSelector } from "../../runner/prometheus.js";
import type { RunResult } from "../../runner/run-command.js";
import { compare, describeMiss } from "../../runner/thresholds.js";
import { makeSessionDir, sessionModes } from "../../session/atomic.js";
import type { Metrics } from "../../session/events.js";
import type { StepContext, StepOutcome } from "../context.js";
import { commandLine } from "./command-line.js";

/** The fields every process-running block shares: a command step, a flag's verify. */
export type CommandFields = Pick<
	Extract<Step, { kind: "command" }>,
	"run" | "cwd" | "env" | "timeout" | "retries" | "retryDelay" | "expect"
>;

/**
 * Runs a command with its retries; passes when the exit code, the output matches and the
 * thresholds all hold, and otherwise says exactly which expectation failed with the actual value.
 */
export async function runCommand(
	fields: CommandFields,
	ctx: StepContext,
	logName = ctx.stepId,
): Promise<StepOutcome> {
	const line = commandLine(fields.run);
	const cwd = resolve(ctx.baseDir, fields.cwd ?? ".");
	if (ctx.dryRun)
		return { status: "skipped", reason: `dry run: would run ${line}`, evidence: { command: line, cwd } };
	makeSessionDir(join(ctx.sessionDir, "logs"));
	const logFile = join(ctx.sessionDir, "logs", `${logName}.log`);
	const attempts = (fields.retries ?? 0) + 1;
	let outcome: StepOutcome = { status: "failed" };
	for (let attempt = 1; attempt <= attempts; attempt++) {
		outcome = await runOnce(fields, ctx, { line, cwd, logFile, attempt, attempts });
		if (outcome.status !== "failed" || attempt === attempts) break;
		await ctx.clock.sleep(fields.retryDelay ?? 0, ctx.signal);
		if (ctx.signal.aborted)
			return { ...outcome, status: "interrupted", reason: "interrupted while waiting to retry" };
	}
	return outcome;
}

async function runOnce(
	fields: CommandFields,
	ctx: StepContext,
	run: { line: string; cwd: string; logFile: string; attempt: number; attempts: number },
): Promise<StepOutcome> {
	const label = run.attempts > 1 ? ` (try ${run.attempt} of ${run.attempts})` : "";
	appendFileSync(run.logFile, ctx.mask(`$ ${run.line}${label}  — ${ctx.clock.now().toISOString()}\n`), {
		mode: sessionModes().file,
	});
	const parser = createParser(fields.expect);
	const matches = lineMatchers(fields.expect);
	const result = await ctx.runner.run(
		{ run: fields.run, cwd: run.cwd, env: stringEnv(fields.env), timeoutMs: fields.timeout },
		{
			logFile: run.logFile,
			mask: ctx.mask,
			signal: ctx.signal,
			onOutput: ctx.onOutput,
			// Splitting output into lines costs: only when something reads them.
			onStdoutLine:
				parser || matches.active
					? (text) => {
							parser?.line(text);
							matches.line(text);
						}
					: undefined,
			onSpawn: (pgid) =>
				ctx.record({ stepId: ctx.stepId, action: "run", detail: { command: run.line, pgid } }, "intent"),
		},
	);
	ctx.record(
		{ stepId: ctx.stepId, action: "run", result: { exitCode: result.exitCode, signal: result.signal } },
		"effect",
	);
	const evidence = {
		command: run.line,
		cwd: run.cwd,
		exitCode: result.exitCode,
		signal: result.signal,
		durationMs: Math.round(result.durationMs),
		log: run.logFile,
		tail: result.tail.slice(-20),
		attempt: run.attempt,
		...(result.logCutBytes
			? { logCut: `${formatBytes(result.logCutBytes)} of older output cut from the log` }
			: {}),
		...(result.outputLeftOpen
			? { outputLeftOpen: "a process outside the command's group (setsid, a daemon) still held its output" }
			: {}),
	};
	// Not a verdict on the command: it was stopped because its output could not be kept.
	if (result.logError) {
		const why = result.logError.diskFull
			? `no space left on the device for ${run.logFile} (${result.logError.code})`
			: `could not write ${run.logFile}: ${result.logError.message}`;
		return {
			status: "interrupted",
			reason: `${why}: the command was stopped; free some space, then run the step again (rollout resume)`,
			evidence,
		};
	}
	if (result.interrupted)
		return { status: "interrupted", reason: "interrupted: the command's process group was killed", evidence };
	const parsed = parser?.finish(run.cwd);
	const metrics = parsed && "metrics" in parsed ? parsed.metrics : undefined;
	const reasons = [
		...processReasons(result, fields),
		...matches.reasons(),
		...(parsed && "error" in parsed ? [parsed.error] : []),
		...thresholdReasons(fields.expect?.thresholds ?? [], metrics),
	];
	return {
		status: reasons.length === 0 ? "passed" : "failed",
		reason: reasons.length === 0 ? undefined : reasons.join("; "),
		metrics,
		evidence,
	};
}

function processReasons(result: RunResult, fields: CommandFields): string[] {
	if (result.spawnError) return [`could not start: ${result.spawnError}`];
	if (result.timedOut)
		return [`timed out after ${formatDuration(fields.timeout ?? 0)} (process group killed)`];
	// pytest exits 1 when some tests fail: with its figures parsed, the thresholds judge that.
	const expected = fields.expect?.exitCode ?? (fields.expect?.parse === "pytest" ? [0, 1] : 0);
	if (result.exitCode === undefined) return [`killed by ${result.signal ?? "a signal"}`];
	if (expected === "any") return [];
	const allowed = Array.isArray(expected) ? expected : [expected];
	return allowed.includes(result.exitCode)
		? []
		: [`exit code ${result.exitCode}, expected ${allowed.join(" or ")}`];
}

function thresholdReasons(
	thresholds: NonNullable<NonNullable<CommandFields["expect"]>["thresholds"]>,
	metrics: Metrics | undefined,
): string[] {
	if (!metrics) return [];
	return thresholds.flatMap((threshold) => {
		// A Prometheus series may be written with labels in any order or spacing.
		const actual = metrics[threshold.metric] ?? metrics[normaliseSelector(threshold.metric) ?? ""];
		if (actual === undefined) {
			return [`${threshold.metric} was not produced (figures: ${Object.keys(metrics).join(", ") || "none"})`];
		}
		return compare(actual, threshold.op, threshold.value)
			? []
			: [describeMiss(threshold.metric, actual, threshold.op, threshold.value)];
	});
}

/** stdoutMatches / stdoutNotMatches, checked line by line as output streams. */
function lineMatchers(expect: CommandFields["expect"]) {
	const must = expect?.stdoutMatches === undefined ? undefined : compilePattern(expect.stdoutMatches);
	const mustNot =
		expect?.stdoutNotMatches === undefined ? undefined : compilePattern(expect.stdoutNotMatches);
	let matched = false;
	let forbidden: string | undefined;
	return {
		active: must !== undefined || mustNot !== undefined,
		line(text: string) {
			if (must && !matched && must.test(text)) matched = true;
			if (mustNot && forbidden === undefined && mustNot.test(text)) forbidden = text;
		},
		reasons(): string[] {
			const reasons: string[] = [];
			if (must && !matched) reasons.push(`no output line matched /${must.source}/`);
			if (mustNot && forbidden !== undefined)
				reasons.push(`output matched /${mustNot.source}/: ${forbidden.slice(0, 200)}`);
			return reasons;
		},
	};
}

function stringEnv(env: CommandFields["env"]): Record<string, string> | undefined {
	if (!env) return undefined;
	return Object.fromEntries(Object.entries(env).map(([key, value]) => [key, String(value)]));
}
