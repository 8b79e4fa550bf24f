/**
 * The screens' door, loaded by the core only for the commands that draw them: it checks for a
 * terminal, settles the operator's name, opens the session, and hands it to the wizard.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { render } from "ink";
import { readConfig, saveSetting } from "../cli/config-store.js";
import { resumeHint } from "../cli/sessions-dir.js";
import { Engine } from "../engine/engine.js";
import { preflight } from "../engine/preflight.js";
import { OperatorError } from "../errors.js";
import { readSessionData } from "../report/session-data.js";
import { writeExport } from "../report/write.js";
import { resolveSessionId } from "../session/ids.js";
import { listSessions, newestUnfinished } from "../session/inspect.js";
import { listingStatus } from "../session/rules.js";
import { Home, type HomeChoice } from "./home.js";
import { KeyRouter } from "./key-router.js";
import { PreflightScreen } from "./screens/preflight.js";
import type { Flow, Signals } from "./use-wizard.js";
import { TextField } from "./views/forms.js";
import { Wizard } from "./wizard.js";

export interface StartOptions {
	readonly checklistPath: string;
	readonly vars: Readonly<Record<string, string>>;
	readonly operator?: string;
	readonly sessionsDir: string;
	readonly dryRun?: boolean;
}

/** `rollout start <checklist>`: a new session, walked step by step. */
export async function startWizard(options: StartOptions): Promise<number> {
	requireTerminal("start");
	const operator = await operatorName(options.operator);
	const summary = preflight(options.checklistPath, options.vars);
	let choice: { start: boolean; dryRun: boolean } | undefined;
	const app = render(
		<PreflightScreen
			preflight={summary}
			dryRun={options.dryRun === true}
			onChoose={(picked) => {
				choice = picked;
				app.unmount();
			}}
		/>,
		{ exitOnCtrlC: true },
	);
	await app.waitUntilExit();
	if (!choice?.start) {
		say("not started: no session was made");
		return 0;
	}
	const engine = await Engine.start({ ...options, operator, dryRun: choice.dryRun });
	return walk(engine, { auto: flowSetting(), startAtOnce: true });
}

/** Passing steps run on their own unless the config says `flow step`. */
function flowSetting(): boolean {
	return readConfig().flow !== "step";
}

/** `rollout resume [session]`: back to the first unfinished step of a session, the newest unfinished one when none is named. */
export async function resumeWizard(options: {
	readonly id?: string;
	readonly sessionsDir: string;
	readonly acceptChangedChecklist?: boolean;
}): Promise<number> {
	requireTerminal("resume");
	const id = options.id
		? resolveSessionId(options.sessionsDir, options.id)
		: (newestUnfinished(options.sessionsDir) ??
			fail(`no unfinished session in ${options.sessionsDir}; start one with: rollout start <checklist>`));
	const engine = await Engine.resume({
		store: { onWait: say },
		sessionsDir: options.sessionsDir,
		id,
		acceptChangedChecklist: options.acceptChangedChecklist === true,
		toWalk: true,
	});
	return walk(engine);
}

/** `rollout start --followup <session> <followup>`: a follow-up's steps, walked into the session's record. */
export async function followupWizard(options: {
	readonly session: string;
	readonly followup: string;
	readonly sessionsDir: string;
	readonly acceptChangedChecklist?: boolean;
}): Promise<number> {
	requireTerminal("start --followup");
	const engine = await Engine.resume({
		store: { onWait: say },
		sessionsDir: options.sessionsDir,
		id: resolveSessionId(options.sessionsDir, options.session),
		acceptChangedChecklist: options.acceptChangedChecklist === true,
	});
	try {
		engine.startFollowup(options.followup);
	} catch (error) {
		await engine.close();
		throw error;
	}
	return walk(engine);
}

/** `rollout demo`: the demo checklist against a fresh throwaway service in the temp folder. */
export async function demoWizard(options: {
	readonly root: string;
	readonly sessionsDir: string;
	readonly operator?: string;
}): Promise<number> {
	requireTerminal("demo");
	const sandbox = mkdtempSync(join(tmpdir(), "rollout-demo-"));
	return startWizard({
		checklistPath: join(options.root, "checklists", "demo.yaml"),
		vars: { sandbox, demo_home: join(options.root, "checklists", "demo") },
		operator: options.operator,
		sessionsDir: options.sessionsDir,
	});
}

/** `rollout` alone: unfinished sessions to resume, checklists to start, finished sessions to export. */
export async function homeScreen(options: {
	readonly sessionsDir: string;
	readonly root: string;
}): Promise<number> {
	requireTerminal("");
	let choice: HomeChoice | undefined;
	const app = render(
		<Home
			sessions={listSessions(options.sessionsDir)}
			checklistsDir={join(process.cwd(), "checklists")}
			onChoose={(picked) => {
				choice = picked;
			}}
		/>,
		{ exitOnCtrlC: true },
	);
	await app.waitUntilExit();
	if (!choice) return 0;
	if (choice.action === "resume") return resumeWizard({ id: choice.id, sessionsDir: options.sessionsDir });
	if (choice.action === "start")
		return startWizard({ checklistPath: choice.file, vars: {}, sessionsDir: options.sessionsDir });
	if (choice.action === "demo") return demoWizard(options);
	// Exporting reads the record as it is on disk: no lock taken, nothing appended to the log.
	const dir = join(options.sessionsDir, choice.id);
	const data = readSessionData(dir);
	for (const format of ["md", "html"] as const)
		process.stdout.write(`wrote ${writeExport(dir, data, format)}\n`);
	return 0;
}

/** A line before the screens start, such as why opening a session takes a moment. */
function say(message: string): void {
	process.stderr.write(`${message}\n`);
}

function fail(message: string): never {
	throw new OperatorError(message);
}

function requireTerminal(command: string): void {
	if (process.stdin.isTTY && process.stdout.isTTY) return;
	throw new OperatorError(
		`rollout${command ? ` ${command}` : ""} draws screens and needs a terminal; without one, run it unattended: rollout run <checklist> --answers <file> (or rollout resume <session> --answers <file>)`,
	);
}

/** The operator's name: the flag, the config, or asked once and remembered in the config. */
async function operatorName(flag: string | undefined): Promise<string> {
	const known = flag ?? readConfig().operator;
	if (known) return known;
	let name: string | undefined;
	const app = render(
		<KeyRouter>
			<TextField
				label="Your name for the record (remembered):"
				fallback={userInfo().username}
				required
				onSubmit={(value) => {
					name = value;
					app.unmount();
				}}
			/>
		</KeyRouter>,
		{ exitOnCtrlC: true },
	);
	await app.waitUntilExit();
	if (!name) throw Object.assign(new Error("no operator name given"), { exitCode: 130 });
	saveSetting("operator", name);
	return name;
}

/** Runs the wizard on an open session until the operator leaves; the session is closed cleanly whatever happens. */
async function walk(engine: Engine, flow: Flow = { auto: flowSetting() }): Promise<number> {
	const listeners = new Set<(signal: NodeJS.Signals) => void>();
	const signals: Signals = {
		subscribe(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
	};
	const onSignal = (signal: NodeJS.Signals) => {
		for (const listener of listeners) listener(signal);
	};
	const names: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
	for (const name of names) process.on(name, onSignal);
	let code = 0;
	try {
		const app = render(
			<Wizard
				engine={engine}
				flow={flow}
				signals={signals}
				onExit={(exitCode) => {
					code = exitCode;
				}}
			/>,
			// A key's answer is drawn within a frame at 60 Hz, not held back to Ink's default 30.
			{ exitOnCtrlC: false, maxFps: 60 },
		);
		await app.waitUntilExit();
	} finally {
		for (const name of names) process.off(name, onSignal);
		await engine.close(code === 130 ? "interrupted" : "wizard ended");
	}
	const status = listingStatus(engine.state);
	if (status === "in progress")
		process.stdout.write(`session ${engine.id} saved — resume with: ${resumeHint(engine.dir, engine.id)}\n`);
	else process.stdout.write(`${status} — record: ${join(engine.dir, "signoff.md")}\n`);
	return code;
}
