/**
 * The door: parse flags, settle colour and the sessions folder, dispatch.
 * Each command's code is imported only when it runs, so `--help` and the
 * commands that draw no UI never run Ink or React.
 */
import { dirname } from "node:path";
import { Command, CommanderError, Option } from "commander";
import { EXIT, noColor, OperatorError } from "./cli/output.js";

declare const PACKAGE_VERSION: string;

const program = new Command("rollout")
	.description(
		"Walk a production rollout checklist step by step, record every step, and end with a sign-off record and a rollback plan.",
	)
	.version(
		typeof PACKAGE_VERSION === "string" ? PACKAGE_VERSION : "0.0.0-dev",
		"-v, --version",
		"print the version",
	)
	.helpOption("-h, --help", "show help")
	.option("--no-color", "no colours (NO_COLOR is honoured too)")
	.showHelpAfterError("(run with --help for usage)")
	.configureHelp({ helpWidth: Math.min(process.stdout.columns || 80, 100) })
	.exitOverride();

const sessionsDirOption = (): Option =>
	new Option(
		"--sessions-dir <dir>",
		"where sessions live (default: $ROLLOUT_SESSIONS_DIR, the config, or ./sessions)",
	);

program.hook("preAction", async () => {
	if (program.opts().color === false) process.env.NO_COLOR = "1";
	if (!noColor() && process.stdout.isTTY) {
		const { readConfig } = await import("./cli/config-store.js");
		if (readConfig().color === false) process.env.NO_COLOR = "1";
	}
});

program
	.command("validate")
	.description(
		"check checklist files; prints `ok <file>: N phases, M steps` or every problem as file:line:column",
	)
	.argument("<file...>", "checklist YAML files")
	.option("--var <name=value>", "override a checklist variable (repeatable)", collectVar, {})
	.action(async (files: string[], options: { var: Record<string, string> }) => {
		const { validate } = await import("./cli/validate.js");
		process.exitCode = await validate(files, options.var);
	});

program
	.command("list")
	.description("list sessions, newest first: state, progress, operator, times")
	.option("--json", "print JSON")
	.addOption(sessionsDirOption())
	.action(async (options: { json?: boolean; sessionsDir?: string }) => {
		const [{ list }, dir] = await Promise.all([import("./cli/list.js"), sessionsDir(options.sessionsDir)]);
		process.exitCode = list(dir, options.json === true);
	});

program
	.command("verify")
	.description("check a session's hash chain, sequence, timestamps and backup checksums")
	.argument("<session>", "session id, or a unique prefix of one")
	.addOption(sessionsDirOption())
	.action(async (session: string, options: { sessionsDir?: string }) => {
		const [{ verify }, dir] = await Promise.all([
			import("./cli/verify.js"),
			sessionsDir(options.sessionsDir),
		]);
		process.exitCode = verify(dir, session);
	});

unattended(
	program
		.command("run")
		.description(
			"run a checklist unattended: prompts and sign-offs come from an answers file; never reads stdin",
		)
		.argument("<checklist>", "checklist YAML file")
		.option("--var <name=value>", "override a checklist variable (repeatable)", collectVar, {})
		.option(
			"--operator <name>",
			"who runs the rollout (default: the answers file, the config, or your user name)",
		)
		.option("--dry-run", "change nothing and run no command; record what would happen"),
).action(async (checklist: string, options: RunOptions) => {
	const [{ runChecklist }, dir] = await Promise.all([
		import("./cli/run.js"),
		sessionsDir(options.sessionsDir),
	]);
	process.exitCode = await runChecklist(checklist, dir, options);
});

program
	.command("start")
	.description("walk a checklist step by step in the terminal; every step is saved as it happens")
	.argument("[checklist]", "checklist YAML file (with --followup: the follow-up's id)")
	.option("--var <name=value>", "override a checklist variable (repeatable)", collectVar, {})
	.option("--operator <name>", "who runs the rollout (default: the config, or asked once and remembered)")
	.option("--dry-run", "change nothing and run no command; record what would happen")
	.option(
		"--followup <session>",
		"walk one of this signed-off session's follow-ups instead: start --followup <session> <id>",
	)
	.option("--accept-changed-checklist", "with --followup: go on though the checklist file changed")
	.addOption(sessionsDirOption())
	.addHelpText(
		"after",
		"\nNeeds a terminal; for scripts and CI use `rollout run <checklist> --answers <file>`.\nExit codes: 0 finished or quit, 1 NO-GO, 2 invalid input, 130 interrupted.",
	)
	.action(async (checklist: string | undefined, options: StartFlags) => {
		const dir = await sessionsDir(options.sessionsDir);
		const ui = await loadScreens();
		if (options.followup) {
			if (!checklist)
				throw new OperatorError(
					"--followup <session> needs the follow-up's id: start --followup <session> <id>",
					EXIT.usage,
				);
			process.exitCode = await ui.followupWizard({
				session: options.followup,
				followup: checklist,
				sessionsDir: dir,
				acceptChangedChecklist: options.acceptChangedChecklist,
			});
			return;
		}
		if (!checklist)
			throw new OperatorError("start needs a checklist file: rollout start <checklist>", EXIT.usage);
		process.exitCode = await ui.startWizard({
			checklistPath: checklist,
			vars: options.var,
			operator: options.operator,
			sessionsDir: dir,
			dryRun: options.dryRun,
		});
	});

program
	.command("demo")
	.description(
		"walk the demo checklist against a throwaway service made in the temp folder (about three minutes)",
	)
	.option("--operator <name>", "who runs it (default: the config, or asked once and remembered)")
	.addOption(sessionsDirOption())
	.action(async (options: { operator?: string; sessionsDir?: string }) => {
		const dir = await sessionsDir(options.sessionsDir);
		process.exitCode = await (await loadScreens()).demoWizard({
			root: packageRoot(),
			sessionsDir: dir,
			operator: options.operator,
		});
	});

program
	.command("resume")
	.description(
		"continue an unfinished session from its first unfinished step: in the terminal, or unattended with --answers",
	)
	.argument("[session]", "session id, or a unique prefix of one (default: the newest unfinished session)")
	.option("--answers <file>", "run unattended: answers for prompt and signoff steps (YAML)")
	.option(
		"--no-auto-rollback",
		"unattended: after a monitor breach with onCritical: rollback, only report it",
	)
	.option(
		"--accept-changed-checklist",
		"go on even though the checklist file changed since the session started",
	)
	.addOption(sessionsDirOption())
	.addHelpText(
		"after",
		"\nExit codes: 0 GO, GO WITH CONDITIONS or quit, 1 NO-GO or a failed critical step, 2 invalid input, 130 interrupted.",
	)
	.action(async (session: string | undefined, options: Partial<RunOptions>) => {
		const dir = await sessionsDir(options.sessionsDir);
		if (options.answers) {
			const { resumeSession } = await import("./cli/resume.js");
			process.exitCode = await resumeSession(session, dir, { ...options, answers: options.answers, var: {} });
			return;
		}
		process.exitCode = await (await loadScreens()).resumeWizard({
			id: session,
			sessionsDir: dir,
			acceptChangedChecklist: options.acceptChangedChecklist,
		});
	});

program
	.command("rollback")
	.description(
		"carry out a session's rollback plan: revert flags, restore backups, run the rollback steps and checks",
	)
	.argument("<session>", "session id, or a unique prefix of one")
	.option("-y, --yes", "do not ask before each action")
	.option("--dry-run", "show what would be done; change and record nothing")
	.addOption(sessionsDirOption())
	.addHelpText("after", "\nExit codes: 0 rolled back, 1 rollback failed, 2 invalid input, 130 interrupted.")
	.action(async (session: string, options: { yes?: boolean; dryRun?: boolean; sessionsDir?: string }) => {
		const [{ rollback }, dir] = await Promise.all([
			import("./cli/rollback.js"),
			sessionsDir(options.sessionsDir),
		]);
		process.exitCode = await rollback(dir, session, options);
	});

program
	.command("abandon")
	.description("give up an unfinished session, on the record: it is frozen from then on")
	.argument("<session>", "session id, or a unique prefix of one")
	.requiredOption("--reason <text>", "why the session is given up (recorded)")
	.addOption(sessionsDirOption())
	.addHelpText("after", "\nExit codes: 0 abandoned, 2 invalid input or the session has already ended.")
	.action(async (session: string, options: { reason: string; sessionsDir?: string }) => {
		const [{ abandon }, dir] = await Promise.all([
			import("./cli/abandon.js"),
			sessionsDir(options.sessionsDir),
		]);
		process.exitCode = await abandon(dir, session, options.reason);
	});

unattended(
	program
		.command("followup")
		.description("run one of a signed-off session's follow-ups into the same record, unattended")
		.argument("<session>", "session id, or a unique prefix of one")
		.argument("<followup>", "follow-up id from the checklist, such as day-1")
		.option(
			"--accept-changed-checklist",
			"go on even though the checklist file changed since the session started",
		),
).action(async (session: string, followup: string, options: RunOptions) => {
	const [{ runFollowup }, dir] = await Promise.all([
		import("./cli/run.js"),
		sessionsDir(options.sessionsDir),
	]);
	process.exitCode = await runFollowup(session, followup, dir, { ...options, var: {} });
});

program
	.command("due")
	.description("list follow-ups due or overdue across sessions (each is due its `after` past the sign-off)")
	.option("--all", "also list upcoming and done follow-ups")
	.option("--json", "print JSON")
	.addOption(sessionsDirOption())
	.action(async (options: { all?: boolean; json?: boolean; sessionsDir?: string }) => {
		const [{ due }, dir] = await Promise.all([import("./cli/due.js"), sessionsDir(options.sessionsDir)]);
		process.exitCode = due(dir, options);
	});

program
	.command("export")
	.description("write a session's record as Markdown, HTML, JSON or JUnit XML (unfinished sessions too)")
	.argument("<session>", "session id, or a unique prefix of one")
	.requiredOption("-f, --format <format>", "md, html, json or junit")
	.option(
		"-o, --out <file>",
		"where to write it; - for standard output (default: report.<ext> in the session folder)",
	)
	.addOption(sessionsDirOption())
	.action(async (session: string, options: { format: string; out?: string; sessionsDir?: string }) => {
		const [{ exportSession }, dir] = await Promise.all([
			import("./cli/export.js"),
			sessionsDir(options.sessionsDir),
		]);
		process.exitCode = exportSession(dir, session, options);
	});

program
	.command("schema")
	.description("print the JSON Schema of the checklist format, for editors (--report: of an exported record)")
	.option("--report", "the schema of `rollout export --format json` instead")
	.action(async (options: { report?: boolean }) => {
		const schema = options.report
			? (await import("./report/schema.js")).reportJsonSchema()
			: (await import("./checklist/schema.js")).checklistJsonSchema();
		process.stdout.write(`${JSON.stringify(schema, null, 2)}\n`);
	});

const config = program
	.command("config")
	.description("read and change settings: operator, sessionsDir, color, flow")
	.addHelpText(
		"after",
		"\nSettings:\n  operator     your name, recorded in every session\n  sessionsDir  where sessions live\n  color        on or off",
	);
config
	.command("get")
	.description("print one setting, or all as key=value")
	.argument("[key]", "operator, sessionsDir or color")
	.action(async (key?: string) => {
		process.exitCode = (await import("./cli/config.js")).configGet(key);
	});
config
	.command("set")
	.description("change a setting")
	.argument("<key>", "operator, sessionsDir or color")
	.argument("<value>", "the new value (color: on or off)")
	.action(async (key: string, value: string) => {
		process.exitCode = (await import("./cli/config.js")).configSet(key, value);
	});
config
	.command("unset")
	.description("remove a setting")
	.argument("<key>", "operator, sessionsDir or color")
	.action(async (key: string) => {
		process.exitCode = (await import("./cli/config.js")).configUnset(key);
	});
config
	.command("path")
	.description("print the config file's path")
	.action(async () => {
		process.exitCode = (await import("./cli/config.js")).configPath();
	});

/** What every answers-driven command takes: the answers file, auto-rollback, the sessions folder. */
function unattended(command: Command): Command {
	return command
		.requiredOption("--answers <file>", "answers for prompt and signoff steps (YAML)")
		.option("--no-auto-rollback", "after a monitor breach with onCritical: rollback, only report it")
		.addOption(sessionsDirOption())
		.addHelpText(
			"after",
			"\nExit codes: 0 GO or GO WITH CONDITIONS, 1 NO-GO or a failed critical step, 2 invalid input, 130 interrupted.",
		);
}

interface RunOptions {
	answers: string;
	var: Record<string, string>;
	operator?: string;
	dryRun?: boolean;
	acceptChangedChecklist?: boolean;
	autoRollback?: boolean;
	sessionsDir?: string;
}

function collectVar(value: string, previous: Record<string, string>): Record<string, string> {
	const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(value);
	if (!match?.[1]) throw new OperatorError(`--var takes name=value, not "${value}"`, EXIT.usage);
	return { ...previous, [match[1]]: match[2] ?? "" };
}

async function sessionsDir(flag: string | undefined): Promise<string> {
	const { resolveSessionsDir } = await import("./cli/sessions-dir.js");
	return resolveSessionsDir(flag);
}

// `rollout` alone: the home screen at a terminal, the help anywhere else.
program.allowExcessArguments().action(async () => {
	const [unknown] = program.args;
	if (unknown !== undefined) program.error(`error: unknown command '${unknown}'`, { exitCode: EXIT.usage });
	if (!process.stdin.isTTY || !process.stdout.isTTY) {
		program.outputHelp();
		return;
	}
	const dir = await sessionsDir(undefined);
	process.exitCode = await (await loadScreens()).homeScreen({ sessionsDir: dir, root: packageRoot() });
});

interface StartFlags {
	var: Record<string, string>;
	operator?: string;
	dryRun?: boolean;
	followup?: string;
	acceptChangedChecklist?: boolean;
	sessionsDir?: string;
}

/** The screens: Ink and React, loaded only by the commands that draw them. */
async function loadScreens(): Promise<typeof import("./ui/main.js")> {
	// Ink's colours do not read NO_COLOR; FORCE_COLOR=0 turns them off before it loads.
	if (noColor()) process.env.FORCE_COLOR = "0";
	return import("./ui/main.js");
}

/** The installed package's folder (the bundle runs from its dist/). */
function packageRoot(): string {
	return dirname(__dirname);
}

// A reader that stops early (`rollout list | head -1`) closes the pipe: stop quietly, as other tools do.
for (const stream of [process.stdout, process.stderr]) {
	stream.on("error", (error: NodeJS.ErrnoException) => {
		if (error.code === "EPIPE") process.exit(process.exitCode ?? EXIT.ok);
		throw error;
	});
}

program.parseAsync(process.argv).catch((error: unknown) => {
	process.exitCode = exitCodeFor(error);
});

function exitCodeFor(error: unknown): number {
	if (error instanceof CommanderError) {
		// Help and version are successes; every other parse error is a usage error, already printed.
		return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
	}
	const message = error instanceof Error ? error.message : String(error);
	process.stderr.write(`rollout: ${message}\n`);
	if (process.env.ROLLOUT_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
	// Errors meant for the operator carry their exit code (usage errors: 2).
	const code = (error as { exitCode?: unknown } | undefined)?.exitCode;
	return typeof code === "number" ? code : EXIT.failed;
}
