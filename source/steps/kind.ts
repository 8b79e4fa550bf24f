import type { Step } from "../checklist/schema.js";
import type { StepContext, StepOutcome } from "./context.js";

/** One step of a given kind, as loaded. */
export type StepOf<K extends Step["kind"]> = Extract<Step, { kind: K }>;

/** How a step is done: run by the engine, or answered by a person — a prompt, the decision, a sign-off. */
export type StepMode = "run" | "prompt" | "decision" | "signoff";

/** A file a step backs up or changes, as the pre-flight screen lists it. */
export interface Touch {
	readonly action: "back up" | "change";
	readonly path: string;
	/** For a change: what it sets, such as "features.coordinator → true". */
	readonly detail?: string;
}

/** A line of a step's preview, with how it is meant to be read. */
export interface PreviewLine {
	readonly text: string;
	readonly tone?: "ok" | "bad" | "warn" | "dim" | "accent";
}

/** What doing a step will do, from the files as they are now. */
export interface Preview {
	readonly lines: readonly PreviewLine[];
	/** A unified diff of the file it will change. */
	readonly diff?: string;
}

/**
 * What a step kind's recorded evidence says: all the reports ask of a kind, kept apart from
 * how the step is done so that rendering a record loads no runner, editor or schema.
 */
export interface EvidenceReader<E> {
	/** The step's evidence as recorded, typed; undefined when it left none of this kind. */
	evidence(recorded: unknown): E | undefined;
	/** Lines for the records beside the status: what a reviewer checks. */
	details(evidence: E): string[];
}

/**
 * Everything about one step kind that the engine, the reports and the screens ask: how it is
 * done, whether it is critical, what it runs, what it will do, what its evidence says.
 */
export interface StepKindModule<K extends Step["kind"], E = undefined> extends EvidenceReader<E> {
	readonly kind: K;
	readonly mode: StepMode;
	/** Still done after a NO-GO (what remains then is the record and its sign-off). */
	readonly afterNoGo: boolean;
	/** A change written only on an explicit yes (`y`), not on Enter. */
	readonly asksYes: boolean;
	/** Whether a failure of this step, as written, blocks the rollout. */
	critical(step: StepOf<K>): boolean;
	/** Whether a run interrupted part way is taken up where it stopped (a monitor's readings), not begun again. */
	readonly continuesAfterInterruption?: boolean;
	/** Does the step; only for kinds whose mode is "run". */
	execute?(step: StepOf<K>, ctx: StepContext): Promise<StepOutcome>;
	/** What doing the step will do, read from the files as they are now. */
	preview(step: StepOf<K>, baseDir: string): Preview;
	/** The step with `~` expanded in every field that names a file or folder. */
	expandPaths?(step: StepOf<K>, expand: (path: string) => string): StepOf<K>;
	/** The files the step backs up or changes, for the pre-flight screen. */
	touches?(step: StepOf<K>): readonly Touch[];
	/** The longest the step can take unattended (its timeout, a monitor's window); undefined when a person sets the pace. */
	longestMs?(step: StepOf<K>): number | undefined;
}
