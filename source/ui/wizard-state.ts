import type { StepOutcome } from "../steps/context.js";

/** What the wizard shows; the session itself lives in the engine, this is only where the operator is. */
export type Screen =
	/** The step to do next (or one picked again from the review): what will happen, and how to act. */
	| { readonly name: "step"; readonly stepId: string }
	| {
			readonly name: "running";
			readonly stepId: string;
			readonly startedAt: number;
			readonly stopping: boolean;
	  }
	| { readonly name: "result"; readonly stepId: string; readonly outcome: StepOutcome }
	/** A written reason before skipping or overriding a step. */
	| { readonly name: "reason"; readonly stepId: string; readonly purpose: "skip" | "override" }
	/** After q or Ctrl+C: the session is saved, quit (with this exit code) or stay. `stepId`: the step Ctrl+C cut off. */
	| { readonly name: "quit"; readonly stepId?: string; readonly code: number }
	| {
			readonly name: "rollback";
			readonly phase: "confirm" | "running" | "ended";
			readonly why: string;
			/** The plan's actions, described when the rollback was offered. */
			readonly actions: readonly string[];
			/** The screen that offered it, to go back to when the operator declines. */
			readonly from: Screen;
			/** How each action went, as it is carried out. */
			readonly lines: readonly string[];
			readonly ok?: boolean;
	  }
	| { readonly name: "done"; readonly panel: "summary" | "plan" | "export" | "followup" };

/** Earlier steps, read-only, grouped by phase. */
export interface ReviewView {
	readonly name: "review";
	readonly index: number;
	readonly open: boolean;
	/** Picking a phase to jump to (g), or typing a search (/). */
	readonly mode?: "phase" | "search";
}

/** A step's whole log, paged. The lines are read once, when it is opened. */
export interface LogView {
	readonly name: "log";
	readonly stepId: string;
	readonly file: string;
	readonly lines: readonly string[];
	readonly top: number;
	/** The review it was opened from, to go back to. */
	readonly back?: ReviewView;
}

/**
 * What the operator reads on top of the walk: the review or a log. The walk goes on under it —
 * a monitor keeps sampling, passing steps keep running — and Esc shows where it has got to.
 */
export type Browse = ReviewView | LogView;

export interface WizardState {
	readonly screen: Screen;
	readonly browse?: Browse;
	/** Where to come back to from a quit question. */
	readonly previous?: Screen;
	readonly help: boolean;
	/** The step's `help` text shown under its instructions. */
	readonly details: boolean;
	/** Notices from opening the session (an unclean end, a changed checklist), until the first step is acted on. */
	readonly notices: readonly string[];
	/** One line about the last thing done, such as the path of an export. */
	readonly message?: string;
	/** Set when the wizard should end, with the process's exit code. */
	readonly exit?: number;
	/** Passing automated steps run one after another on their own; off: one at a time, each on Enter. */
	readonly auto: boolean;
	/** The steps that passed on their own since the operator last acted, latest last. */
	readonly trail: readonly string[];
}

export type WizardAction =
	| { readonly type: "show"; readonly screen: Screen }
	/** The walk moved on by itself: the operator may be reading the review, which stays open. */
	| { readonly type: "walked"; readonly screen: Screen }
	| { readonly type: "browse"; readonly view?: Browse }
	| { readonly type: "started"; readonly stepId: string; readonly at: number }
	| { readonly type: "stopping" }
	| { readonly type: "finished"; readonly stepId: string; readonly outcome: StepOutcome }
	| { readonly type: "ask-quit"; readonly stepId?: string; readonly code: number }
	| { readonly type: "stay" }
	| { readonly type: "review-move"; readonly by: number; readonly count: number }
	| { readonly type: "review-to"; readonly index: number }
	| { readonly type: "log-move"; readonly by: number; readonly page: number }
	| { readonly type: "rollback-started" }
	| { readonly type: "rollback-line"; readonly line: string }
	| { readonly type: "rollback-ended"; readonly ok: boolean }
	| { readonly type: "toggle-help" }
	| { readonly type: "toggle-details" }
	| { readonly type: "toggle-flow" }
	| { readonly type: "passed-by"; readonly line: string }
	| { readonly type: "message"; readonly text?: string }
	| { readonly type: "exit"; readonly code: number };

export function initialWizardState(first: Screen, notices: readonly string[] = [], auto = true): WizardState {
	return { screen: first, help: false, details: false, notices, auto, trail: [] };
}

/** The wizard's screen flow; pure, so every transition is tested without a terminal. */
export function reduceWizard(state: WizardState, action: WizardAction): WizardState {
	switch (action.type) {
		case "show":
			return { ...state, screen: action.screen, browse: undefined, details: false, message: undefined };
		case "walked":
			return { ...state, screen: action.screen, details: false };
		case "browse":
			return { ...state, browse: action.view, message: undefined };
		case "started":
			return {
				...state,
				screen: { name: "running", stepId: action.stepId, startedAt: action.at, stopping: false },
				notices: [],
				message: undefined,
			};
		case "stopping":
			return state.screen.name === "running"
				? { ...state, screen: { ...state.screen, stopping: true } }
				: state;
		case "finished":
			return {
				...state,
				screen: { name: "result", stepId: action.stepId, outcome: action.outcome },
				notices: [],
				trail: [],
				// Read in the review, the result waits under it; a line says it is there.
				message: state.browse ? `${action.stepId} ${action.outcome.status}: Esc shows it` : state.message,
			};
		case "ask-quit":
			return {
				...state,
				previous: state.screen.name === "quit" ? state.previous : state.screen,
				screen: { name: "quit", stepId: action.stepId, code: action.code },
				browse: undefined,
			};
		case "stay": {
			if (state.screen.name !== "quit") return state;
			// An interrupted step is done again from its start; anything else resumes where it was.
			const back: Screen = state.screen.stepId
				? { name: "step", stepId: state.screen.stepId }
				: (state.previous ?? { name: "done", panel: "summary" });
			return { ...state, screen: back, previous: undefined };
		}
		case "review-move": {
			if (state.browse?.name !== "review" || action.count === 0) return state;
			const index = Math.min(action.count - 1, Math.max(0, state.browse.index + action.by));
			return { ...state, browse: { ...state.browse, index, open: false } };
		}
		case "review-to":
			return state.browse?.name === "review"
				? { ...state, browse: { ...state.browse, index: action.index, open: false, mode: undefined } }
				: state;
		case "log-move": {
			if (state.browse?.name !== "log") return state;
			const last = Math.max(0, state.browse.lines.length - action.page);
			return {
				...state,
				browse: { ...state.browse, top: Math.min(last, Math.max(0, state.browse.top + action.by)) },
			};
		}
		case "rollback-started":
			return state.screen.name === "rollback"
				? { ...state, screen: { ...state.screen, phase: "running" } }
				: state;
		case "rollback-line":
			return state.screen.name === "rollback"
				? { ...state, screen: { ...state.screen, lines: [...state.screen.lines, action.line] } }
				: state;
		case "rollback-ended":
			return state.screen.name === "rollback"
				? { ...state, screen: { ...state.screen, phase: "ended", ok: action.ok } }
				: state;
		case "toggle-help":
			return { ...state, help: !state.help };
		case "toggle-details":
			return { ...state, details: !state.details };
		case "toggle-flow":
			return {
				...state,
				auto: !state.auto,
				message: state.auto ? "one step at a time: Enter runs each" : "passing steps now run on their own",
			};
		case "passed-by":
			return { ...state, trail: [...state.trail, action.line].slice(-2) };
		case "message":
			return { ...state, message: action.text };
		case "exit":
			return { ...state, exit: action.code };
	}
}
