import { closeSync, openSync, writeSync } from "node:fs";
import { StringDecoder } from "node:string_decoder";
import { execa } from "execa";
import type { Masker } from "./mask.js";

/** What to run: a shell string, or an argument list run without a shell. */
export interface CommandSpec {
	readonly run: string | readonly string[];
	readonly cwd: string;
	readonly env?: Readonly<Record<string, string>>;
	readonly timeoutMs?: number;
}

export interface RunOptions {
	/** Full output goes here, appended, stdout and stderr interleaved as they arrive. */
	readonly logFile: string;
	readonly mask: Masker;
	/** Aborting kills the command's whole process group (Ctrl+C, SIGTERM, SIGHUP). */
	readonly signal?: AbortSignal;
	/** Called with each complete stdout line, masked. */
	readonly onStdoutLine?: (line: string) => void;
	/** Called with each block of complete output lines as it arrives, masked (for live views). */
	readonly onOutput?: (block: string) => void;
	/** Called once the process exists, with its pid (= its process group id). */
	readonly onSpawn?: (pgid: number) => void;
	/** How many lines of output to keep in memory; the log file has them all. */
	readonly tailLines?: number;
	/** Between SIGTERM and SIGKILL. */
	readonly graceMs?: number;
}

export interface RunResult {
	readonly exitCode?: number;
	readonly signal?: string;
	readonly durationMs: number;
	readonly timedOut: boolean;
	readonly interrupted: boolean;
	/** The last lines of output, masked. */
	readonly tail: readonly string[];
	/** Set when the command could not be started at all. */
	readonly spawnError?: string;
}

/** Runs processes; injected so the engine can be driven by tests and by dry runs. */
export interface ProcessRunner {
	run(spec: CommandSpec, options: RunOptions): Promise<RunResult>;
}

const FLUSH_BYTES = 64 * 1024;
/** After the main process exits, how long background children may keep the output open. */
const LINGER_MS = 200;

/**
 * Runs one command in its own process group. A timeout, an abort or the end of rollout
 * kills the whole group (TERM, then KILL after a grace period), so no grandchild is left
 * behind; output streams to the log while memory keeps only a bounded tail.
 */
export const processRunner: ProcessRunner = {
	async run(spec, options) {
		const started = performance.now();
		// Output can hold anything a command prints: readable by its owner only (inside a private folder too).
		const log = openSync(options.logFile, "a", 0o600);
		const tail = new Tail(options.tailLines ?? 200);
		let pending = "";
		let timedOut = false;
		let interrupted = false;
		const timers: NodeJS.Timeout[] = [];

		const write = (text: string, force = false) => {
			pending += text;
			if (force || pending.length >= FLUSH_BYTES) {
				if (pending) writeSync(log, pending);
				pending = "";
			}
		};
		const consume = (block: string) => {
			const masked = options.mask(block);
			write(masked);
			tail.add(masked);
			options.onOutput?.(masked);
			return masked;
		};
		// Complete lines only, so a secret split across chunks is still masked whole.
		const collector = (onLine?: (line: string) => void) => {
			const decoder = new StringDecoder("utf8");
			let rest = "";
			return {
				data(chunk: Buffer) {
					const text = rest + decoder.write(chunk);
					const cut = text.lastIndexOf("\n");
					if (cut < 0) {
						rest = text;
						return;
					}
					rest = text.slice(cut + 1);
					const masked = consume(text.slice(0, cut + 1));
					if (onLine) for (const line of masked.slice(0, -1).split("\n")) onLine(line);
				},
				end() {
					const text = rest + decoder.end();
					rest = "";
					if (text) {
						const masked = consume(`${text}\n`);
						onLine?.(masked.slice(0, -1));
					}
				},
			};
		};

		const shell = typeof spec.run === "string";
		const [file, ...args] = shell ? [spec.run as string] : (spec.run as string[]);
		const subprocess = execa(file ?? "", shell ? [] : args, {
			shell,
			cwd: spec.cwd,
			env: spec.env,
			detached: true,
			stdin: "ignore",
			buffer: false,
			reject: false,
			cleanup: false,
		});
		const pgid = subprocess.pid;
		const killGroup = () => {
			if (!pgid) return;
			signalGroup(pgid, "SIGTERM");
			timers.push(setTimeout(() => signalGroup(pgid, "SIGKILL"), options.graceMs ?? 3000).unref());
		};
		const onExit = () => pgid && signalGroup(pgid, "SIGKILL");
		process.on("exit", onExit);
		const onAbort = () => {
			interrupted = true;
			killGroup();
		};
		if (options.signal?.aborted) onAbort();
		options.signal?.addEventListener("abort", onAbort, { once: true });
		if (spec.timeoutMs) {
			timers.push(
				setTimeout(() => {
					timedOut = true;
					killGroup();
				}, spec.timeoutMs),
			);
		}
		if (pgid) options.onSpawn?.(pgid);
		// The main process has ended: whatever it left running in its group goes too.
		subprocess.on("exit", () => {
			timers.push(setTimeout(killGroup, LINGER_MS).unref());
		});

		const out = collector(options.onStdoutLine);
		const err = collector();
		subprocess.stdout?.on("data", out.data);
		subprocess.stderr?.on("data", err.data);
		const result = await subprocess;
		out.end();
		err.end();
		write("", true);
		closeSync(log);
		for (const timer of timers) clearTimeout(timer);
		options.signal?.removeEventListener("abort", onAbort);
		process.off("exit", onExit);
		if (pgid) signalGroup(pgid, "SIGKILL");

		const spawnError =
			result.exitCode === undefined && !result.signal && result.failed
				? result.shortMessage || result.message
				: undefined;
		return {
			exitCode: result.exitCode,
			signal: result.signal,
			durationMs: performance.now() - started,
			timedOut,
			interrupted,
			tail: tail.lines(),
			spawnError,
		};
	},
};

/** Sends a signal to a whole process group; a group that is already gone is fine. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
	try {
		process.kill(-pgid, signal);
	} catch {
		// ESRCH: nobody left in the group.
	}
}

/** Whether any process of the group still lives. */
export function groupAlive(pgid: number): boolean {
	try {
		process.kill(-pgid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === "EPERM";
	}
}

/** The last N lines of a stream of complete-line blocks, without keeping the rest. */
export class Tail {
	private kept: string[] = [];

	constructor(private readonly size: number) {}

	/** A block of complete lines, ending with a newline; only its last lines are split out. */
	add(block: string): void {
		let start = block.length - 1;
		for (let count = 0; count < this.size && start > 0; count++) start = block.lastIndexOf("\n", start - 1);
		const lines = block.slice(start + 1, -1).split("\n");
		this.kept = (lines.length >= this.size ? lines : this.kept.concat(lines)).slice(-this.size);
	}

	lines(): string[] {
		return [...this.kept];
	}
}
