import { createInterface } from "node:readline/promises";
import { Engine } from "../engine/engine.js";
import { formatResult } from "../engine/rollback.js";
import { resolveSessionId } from "../session/ids.js";
import { colorsFor, EXIT, OperatorError } from "./output.js";

/** `rollout rollback <session>`: carries out the session's rollback plan and records it. */
export async function rollback(
	sessionsDir: string,
	idOrPrefix: string,
	flags: { yes?: boolean; dryRun?: boolean },
): Promise<number> {
	const id = resolveSessionId(sessionsDir, idOrPrefix);
	const interactive = process.stdin.isTTY === true && process.stdout.isTTY === true;
	if (!flags.yes && !flags.dryRun && !interactive) {
		throw new OperatorError(
			"rollback asks before each action: run it at a terminal, or pass --yes",
			EXIT.usage,
		);
	}
	const engine = await Engine.resume({ sessionsDir, id, checkChecklist: false });
	const c = colorsFor(process.stdout);
	const controller = new AbortController();
	const onSignal = () => controller.abort();
	process.on("SIGINT", onSignal);
	process.on("SIGTERM", onSignal);
	const prompt =
		interactive && !flags.yes && !flags.dryRun
			? createInterface({ input: process.stdin, output: process.stdout })
			: undefined;
	try {
		const plan = engine.rollbackPlan();
		process.stdout.write(
			`${c.bold(`Rollback of ${id}`)}${flags.dryRun ? " (dry run: nothing is changed)" : ""}\n`,
		);
		if (plan.fired) process.stdout.write(`triggered by: ${plan.fired}\n`);
		if (plan.actions.length === 0)
			process.stdout.write(
				"nothing to do: the session changed no flag, backed up no file, and the checklist has no rollback steps\n",
			);
		const result = await engine.rollback({
			dryRun: flags.dryRun,
			signal: controller.signal,
			confirm:
				prompt &&
				(async (description) => {
					try {
						return /^y(es)?$/i.test((await prompt.question(`${description}? [y/N] `)).trim());
					} catch {
						// Ctrl+C at the question: nothing more is done, and the record says where it stopped.
						process.stdout.write("\n");
						controller.abort();
						return false;
					}
				}),
			report: (action, outcome) => process.stdout.write(`${formatResult(action, outcome, c)}\n`),
		});
		if (flags.dryRun) return EXIT.ok;
		if (result.ok) {
			process.stdout.write(`${c.green("rolled back")}: ${id}\n`);
			return EXIT.ok;
		}
		process.stdout.write(`${c.red("rollback failed")}: ${result.failedAction}\n`);
		return controller.signal.aborted ? EXIT.interrupted : EXIT.failed;
	} finally {
		prompt?.close();
		process.off("SIGINT", onSignal);
		process.off("SIGTERM", onSignal);
		await engine.close("rollback ended");
	}
}
