import type { HttpGet } from "../runner/http.js";
import type { Masker } from "../runner/mask.js";
import type { ProcessRunner } from "../runner/run-command.js";
import type { Metrics, SessionEvent } from "../session/events.js";
import type { SessionState } from "../session/reduce.js";

/** Time, injected so tests need not wait. */
export interface Clock {
	now(): Date;
	/** Resolves after `ms`, or early when the signal aborts. */
	sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
	now: () => new Date(),
	sleep: (ms, signal) =>
		new Promise((resolve) => {
			if (signal?.aborted) return resolve();
			const timer = setTimeout(done, ms);
			function done() {
				clearTimeout(timer);
				signal?.removeEventListener("abort", done);
				resolve();
			}
			signal?.addEventListener("abort", done, { once: true });
		}),
};

/** The events a step writes itself, by the name it records them under. */
export interface Recordable {
	readonly intent: Extract<SessionEvent, { type: "step.intent" }>["data"];
	readonly effect: Extract<SessionEvent, { type: "step.effect" }>["data"];
	readonly reading: Extract<SessionEvent, { type: "monitor.reading" }>["data"];
}

/** Everything a step needs from outside: where it runs, how it runs processes, and how it records. */
export interface StepContext {
	readonly stepId: string;
	readonly attempt: number;
	/** The session folder: logs/, backups/ and the manifest live here. */
	readonly sessionDir: string;
	/** Relative paths in the checklist are relative to this folder (where the session was started). */
	readonly baseDir: string;
	readonly dryRun: boolean;
	readonly runner: ProcessRunner;
	readonly http: HttpGet;
	readonly clock: Clock;
	readonly mask: Masker;
	/** The checklist's secret values by variable name, put into a step only as it runs. */
	readonly secrets?: ReadonlyMap<string, string>;
	/** Aborted by Ctrl+C, SIGTERM or SIGHUP. */
	readonly signal: AbortSignal;
	readonly state: SessionState;
	/** Appends an intent, effect or monitor reading event to the session. */
	record<Kind extends keyof Recordable>(event: Recordable[Kind], kind: Kind): void;
	/** The detail of an intent this step announced in an earlier run that never recorded its effect. */
	readonly pendingDetail?: (action: string) => unknown;
	/** Live output of a running command, masked. */
	readonly onOutput?: (block: string) => void;
}

/** How a step ended. */
export interface StepOutcome {
	readonly status: "passed" | "failed" | "skipped" | "interrupted";
	readonly reason?: string;
	readonly metrics?: Metrics;
	/** What a reviewer would want to see: command line, exit code, diff, files. */
	readonly evidence?: Readonly<Record<string, unknown>>;
	/** One line for reports, such as "error-rate: ok — 0.30 (warn > 0.5, critical > 1), 2 samples". */
	readonly summary?: string;
}
