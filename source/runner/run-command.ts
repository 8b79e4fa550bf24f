import { closeSync, existsSync, fstatSync, ftruncateSync, openSync, renameSync, writeSync } from "node:fs";
import { StringDecoder } from "node:string_decoder";
import { execa } from "execa";
import { isDiskFull } from "../session/atomic.js";
import { DEFAULT_LOG_MAX_BYTES, joinTail } from "./log-cap.js";
import type { Masker } from "./mask.js";
import { plainWords } from "./plain-words.js";

/** What to run: a shell string (a plain one runs without the shell, as it would in it), or an argument list run without a shell. */
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
	/** The log file's cap: past it, the oldest output is cut so that the latest is kept. */
	readonly maxLogBytes?: number;
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
	/** Bytes of older output cut from the log to keep it under its cap. */
	readonly logCutBytes?: number;
	/** Writing the log failed (a full disk, say): the command was stopped, as output could not be kept. */
	readonly logError?: { readonly code?: string; readonly message: string; readonly diskFull: boolean };
	/** A process outside the command's group (started with setsid, a daemon) still held its output when reading stopped. */
	readonly outputLeftOpen?: boolean;
}

/** Runs processes; injected so the engine can be driven by tests and by dry runs. */
export interface ProcessRunner {
	run(spec: CommandSpec, options: RunOptions): Promise<RunResult>;
}

const FLUSH_BYTES = 64 * 1024;
/** After the main process exits, how long background children may keep the output open. */
const LINGER_MS = 200;
/** Output without a newline for this long is cut into a line of its own. */
const LONGEST_LINE = 1024 * 1024;
/** Once the group is gone, how long output still in the pipes may take to arrive. */
const DRAIN_MS = 200;
/** On a full disk, how much of the log's end is given up so the interruption can still be recorded. */
const ROOM_BYTES = 256 * 1024;

/**
 * Runs one command in its own process group. A timeout, an abort or the end of rollout
 * kills the whole group (TERM, then KILL after a grace period), so no grandchild is left
 * behind; output streams to the log while memory keeps only a bounded tail.
 */
export const processRunner: ProcessRunner = {
	async run(spec, options) {
		const started = performance.now();
		const maxLogBytes = options.maxLogBytes ?? DEFAULT_LOG_MAX_BYTES;
		// Output can hold anything a command prints: readable by its owner only (inside a private folder too).
		let log = openSync(options.logFile, "a", 0o600);
		let logSize = fstatSync(log).size;
		let logCutBytes = 0;
		const keepBytes = Math.floor(maxLogBytes / 2);
		const heldFile = `${options.logFile}.held`;
		// Bytes in the set-aside half, and in halves set aside before it (gone).
		let heldBytes = 0;
		let droppedBytes = 0;
		let logError: RunResult["logError"];
		const tail = new Tail(options.tailLines ?? 200);
		let pending = "";
		let timedOut = false;
		let interrupted = false;
		let killGroup = () => {};
		const timers: NodeJS.Timeout[] = [];

		const flush = () => {
			const bytes = Buffer.from(pending);
			pending = "";
			if (logError || bytes.length === 0) return;
			try {
				for (let written = 0; written < bytes.length; ) {
					written += writeSync(log, bytes, written);
				}
				logSize += bytes.length;
				// Past half the cap the log goes on in a fresh file and the older half is set aside
				// (a rename: no copying while the command floods the screen); the two are joined
				// into one log, cut to its last half, when the command ends.
				if (logSize > keepBytes) {
					closeSync(log);
					try {
						droppedBytes += heldBytes;
						renameSync(options.logFile, heldFile);
						heldBytes = logSize;
						logSize = 0;
					} finally {
						log = openSync(options.logFile, "a", 0o600);
					}
				}
			} catch (error) {
				logError = describeLogError(error);
				if (logError.diskFull) makeRoom(log);
				// Output that cannot be kept is not worth running for: stop the command.
				killGroup();
			}
		};
		const write = (text: string, force = false) => {
			pending += text;
			if (force || pending.length >= FLUSH_BYTES) flush();
		};
		const consume = (block: string) => {
			const masked = options.mask(block);
			write(masked);
			tail.add(masked);
			options.onOutput?.(masked);
			return masked;
		};
		// Complete lines only, so a secret split across chunks is still masked whole; a "line"
		// that never ends (output without newlines) is broken up so memory stays bounded.
		const collector = (onLine?: (line: string) => void) => {
			const decoder = new StringDecoder("utf8");
			let rest = "";
			return {
				data(chunk: Buffer) {
					const text = rest + decoder.write(chunk);
					let cut = text.lastIndexOf("\n") + 1;
					if (text.length - cut > LONGEST_LINE) cut = text.length;
					if (cut === 0) {
						rest = text;
						return;
					}
					rest = text.slice(cut);
					const block = text.slice(0, cut);
					const masked = consume(block.endsWith("\n") ? block : `${block}\n`);
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
		const words = typeof spec.run === "string" ? plainWords(spec.run) : spec.run;
		const shell = words === undefined;
		const [file, ...args] = words ?? [spec.run as string];
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
		const graceMs = options.graceMs ?? 3000;
		killGroup = () => {
			if (!pgid) return;
			signalGroup(pgid, "SIGTERM");
			timers.push(setTimeout(() => signalGroup(pgid, "SIGKILL"), graceMs).unref());
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
		// The main process has ended: whatever it left running in its group goes too. A process
		// that left the group (setsid, a daemon) may hold the pipes open for ever: once the group
		// is gone and the pipes have had time to drain, reading stops.
		let outputLeftOpen = false;
		let settled = false;
		subprocess.on("exit", () => {
			timers.push(setTimeout(killGroup, LINGER_MS).unref());
			const deadline = performance.now() + LINGER_MS + graceMs + DRAIN_MS;
			const poll = () => {
				if (settled) return;
				const groupGone = !pgid || !groupAlive(pgid);
				if (!groupGone && performance.now() < deadline) {
					timers.push(setTimeout(poll, 50).unref());
					return;
				}
				timers.push(
					setTimeout(() => {
						if (settled) return;
						outputLeftOpen = true;
						subprocess.stdout?.destroy();
						subprocess.stderr?.destroy();
					}, DRAIN_MS).unref(),
				);
			};
			timers.push(setTimeout(poll, LINGER_MS).unref());
		});

		const out = collector(options.onStdoutLine);
		const err = collector();
		subprocess.stdout?.on("data", out.data);
		subprocess.stderr?.on("data", err.data);
		const result = await subprocess;
		settled = true;
		out.end();
		err.end();
		if (outputLeftOpen) {
			write("[rollout: stopped reading: a process outside the command's group still held its output]\n");
		}
		write("", true);
		closeSync(log);
		if (heldBytes > 0 && !logError) {
			const cut = joinTail(options.logFile, heldFile, keepBytes, droppedBytes);
			logCutBytes = cut.cutBytes;
		}
		for (const timer of timers) clearTimeout(timer);
		options.signal?.removeEventListener("abort", onAbort);
		process.off("exit", onExit);
		if (pgid) signalGroup(pgid, "SIGKILL");

		const spawnError =
			result.exitCode === undefined && !result.signal && result.failed
				? startFailure(shell ? "/bin/sh" : (file ?? ""), spec.cwd, result)
				: undefined;
		return {
			exitCode: result.exitCode,
			signal: result.signal,
			durationMs: performance.now() - started,
			timedOut,
			interrupted,
			tail: tail.lines(),
			spawnError,
			...(logCutBytes > 0 ? { logCutBytes } : {}),
			...(logError ? { logError } : {}),
			...(outputLeftOpen ? { outputLeftOpen } : {}),
		};
	},
};

/** Why a command could not be started, in a line: the program or the folder that is missing, or what the system said. */
function startFailure(
	program: string,
	cwd: string,
	failure: { readonly code?: unknown; readonly shortMessage?: string; readonly message?: string },
): string {
	if (failure.code === "ENOENT") {
		if (!existsSync(cwd)) return `${cwd}: no such folder to run the command in`;
		return `${program}: no such program${program.includes("/") ? "" : " on PATH"}`;
	}
	if (failure.code === "EACCES") return `${program}: permission denied (is it executable?)`;
	return failure.shortMessage || failure.message || "could not be started";
}

function describeLogError(error: unknown): NonNullable<RunResult["logError"]> {
	const code = (error as NodeJS.ErrnoException).code;
	return { code, message: (error as Error).message, diskFull: isDiskFull(error) };
}

/** Gives up the log's last bytes so that the events saying what happened still fit on the disk. */
function makeRoom(fd: number): void {
	try {
		const size = fstatSync(fd).size;
		const keep = Math.max(0, size - ROOM_BYTES);
		ftruncateSync(fd, keep);
		writeSync(
			fd,
			`\n[rollout: no space left on the device: output stopped here, the last ${size - keep} bytes given up]\n`,
		);
	} catch {
		// Nothing more can be done for the log; the step still says why it stopped.
	}
}

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
