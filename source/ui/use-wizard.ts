import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { useCallback, useEffect, useReducer, useRef } from "react";
import type { Approval, Engine } from "../engine/engine.js";
import { formatResult } from "../engine/rollback.js";
import { describeAction } from "../report/rollback-plan.js";
import type { Format } from "../report/write.js";
import { Tail } from "../runner/run-command.js";
import type { Outcome } from "../session/events.js";
import type { StepOutcome } from "../steps/context.js";
import { moduleOf } from "../steps/registry.js";
import { resultChoice } from "./result-choice.js";
import {
	type Browse,
	initialWizardState,
	reduceWizard,
	type Screen,
	type WizardState,
} from "./wizard-state.js";

/** Lines of live command output kept for the screen; the full output is in the step's log. */
const TAIL_LINES = 200;

/** Signals from outside the terminal (SIGTERM, SIGHUP, a SIGINT sent by kill): stop and quit without asking. */
export interface Signals {
	subscribe(listener: (signal: NodeJS.Signals) => void): () => void;
}

export interface Wizard {
	readonly state: WizardState;
	readonly engine: Engine;
	readonly tail: () => string[];
	readonly run: (stepId: string) => void;
	readonly answer: (
		stepId: string,
		result: "pass" | "fail" | "skip",
		notes?: string,
		values?: Readonly<Record<string, string>>,
	) => void;
	readonly decide: (stepId: string, choice: { outcome: Outcome; conditions?: string[] }) => void;
	/** Records one role's approval the moment it is entered. */
	readonly approve: (stepId: string, approval: Approval) => void;
	readonly skip: (stepId: string, reason: string) => void;
	readonly override: (stepId: string, reason: string) => void;
	readonly next: () => void;
	readonly show: (screen: Screen) => void;
	/** Opens the review, the log, or (with nothing) closes them, over the walk that goes on. */
	readonly browse: (view?: Browse) => void;
	/** The review, on the step just done. */
	readonly openReview: () => void;
	/** Why a reviewed step cannot be done again now, if it cannot. */
	readonly rerunRefusal: (stepId: string) => string | undefined;
	/** Shows the rollback plan and asks before carrying it out. */
	readonly askRollback: (why: string) => void;
	readonly rollback: () => void;
	/** Opens a step's whole log, read once, in a pager. */
	readonly openLog: (stepId: string) => void;
	readonly exportAs: (format: Format) => void;
	readonly startFollowup: (id: string) => void;
	readonly interrupt: () => void;
	readonly quit: (code?: number) => void;
	readonly dispatch: React.Dispatch<Parameters<typeof reduceWizard>[1]>;
}

/**
 * The next screen: a critical failure that holds the rollout, else the first step without a
 * result (steps whose `when` is off are skipped on the way), else the end.
 */
export function nextScreen(engine: Engine): Screen {
	const blocking = engine.blockingStep();
	if (blocking && !engine.frozen()) {
		const result = engine.state.results[blocking];
		return {
			name: "result",
			stepId: blocking,
			outcome: { status: "failed", reason: result?.reason, evidence: undefined },
		};
	}
	for (let placed = engine.current(); placed; placed = engine.current()) {
		if (!engine.skipIfOff(placed.step.id)) return { name: "step", stepId: placed.step.id };
	}
	return { name: "done", panel: "summary" };
}

/** A step that needs no one: it runs, and when it passes the walk goes on by itself. */
export function runsByItself(engine: Engine, stepId: string): boolean {
	const module = moduleOf(engine.placed(stepId).step);
	return module.mode === "run" && !module.asksYes;
}

/** How the wizard walks: passing automated steps on their own (`auto`), and whether the first one starts at once. */
export interface Flow {
	readonly auto: boolean;
	readonly startAtOnce?: boolean;
}

/** The wizard's actions on the engine, and the screen they lead to. */
export function useWizard(engine: Engine, signals?: Signals, flow: Flow = { auto: true }): Wizard {
	const [state, dispatch] = useReducer(reduceWizard, undefined, () =>
		initialWizardState(nextScreen(engine), engine.notices, flow.auto),
	);
	// Read by callbacks made once: the flow as the operator last set it.
	const auto = useRef(state.auto);
	auto.current = state.auto;
	const running = useRef<{ controller: AbortController; stepId: string }>(undefined);
	const tail = useRef(new Tail(TAIL_LINES));
	// Set once a signal from outside asked to stop: the wizard then quits as soon as the step is recorded.
	const leaving = useRef(false);

	// Set below once `run` exists: going on to the next screen may start the next step.
	const advanceRef = useRef<() => void>(() => {});

	const finish = useCallback(
		(stepId: string, outcome: StepOutcome) => {
			if (outcome.status === "interrupted") {
				if (leaving.current) dispatch({ type: "exit", code: 130 });
				else dispatch({ type: "ask-quit", stepId, code: 130 });
				return;
			}
			// A step that passed with nothing to look at goes on by itself; anything else stops for the operator.
			const placed = engine.placed(stepId);
			const clean = outcome.status !== "failed" && resultChoice(engine, placed) === "next";
			if (auto.current && clean && !leaving.current) {
				dispatch({
					type: "passed-by",
					line: `${outcome.status === "skipped" ? "-" : "✓"} ${placed.step.title} ${outcome.status}`,
				});
				advanceRef.current();
			} else dispatch({ type: "finished", stepId, outcome });
		},
		[engine],
	);

	/**
	 * Every engine call from the screens goes through here: what the engine refuses, or what the
	 * operator can fix, becomes a line on the screen, never a stack trace.
	 */
	const guard = useCallback((act: () => void) => {
		try {
			act();
		} catch (error) {
			dispatch({ type: "message", text: (error as Error).message });
		}
	}, []);

	const attempt = useCallback(
		(stepId: string, act: () => StepOutcome | undefined) =>
			guard(() => {
				const outcome = act();
				// An answer that leaves the step open (one role of a sign-off) redraws the same screen.
				if (outcome) finish(stepId, outcome);
				else dispatch({ type: "message", text: undefined });
			}),
		[finish, guard],
	);

	const run = useCallback(
		(stepId: string) => {
			const refused = engine.refusal(stepId);
			if (refused) return dispatch({ type: "message", text: refused });
			tail.current = new Tail(TAIL_LINES);
			const controller = new AbortController();
			running.current = { controller, stepId };
			dispatch({ type: "started", stepId, at: Date.now() });
			engine
				.run(stepId, { signal: controller.signal, onOutput: (block) => tail.current.add(block) })
				.then(
					(outcome) => finish(stepId, outcome),
					(error: Error) => finish(stepId, { status: "failed", reason: error.message }),
				)
				.finally(() => {
					// Only this step's own: its result may already have started the next one.
					if (running.current?.controller === controller) running.current = undefined;
				});
		},
		[engine, finish],
	);

	/** The next screen; with the flow on, a next step that needs no one starts at once. */
	const advance = useCallback(() => {
		const next = nextScreen(engine);
		if (auto.current && next.name === "step" && runsByItself(engine, next.stepId)) run(next.stepId);
		else dispatch({ type: "walked", screen: next });
	}, [engine, run]);
	advanceRef.current = advance;

	const opened = useRef(false);
	useEffect(() => {
		if (opened.current) return;
		opened.current = true;
		// Started from the pre-flight screen: the first steps that need no one run straight away.
		const first = state.screen;
		if (flow.startAtOnce && first.name === "step" && runsByItself(engine, first.stepId)) run(first.stepId);
	}, [engine, run, flow.startAtOnce, state.screen]);

	const quit = useCallback(
		(code = 0) => {
			const current = running.current;
			if (current) {
				// Quitting at once: the group is being killed; the step is recorded as cut off.
				current.controller.abort();
				engine.interrupt(current.stepId, "rollout was quit while this step was running");
			}
			dispatch({ type: "exit", code });
		},
		[engine],
	);

	const interrupt = useCallback(() => {
		const current = running.current;
		if (current && !current.controller.signal.aborted) {
			current.controller.abort();
			dispatch({ type: "stopping" });
		} else if (current || state.screen.name === "quit") quit(130);
		else dispatch({ type: "ask-quit", code: 130 });
	}, [state.screen.name, quit]);

	useEffect(
		() =>
			signals?.subscribe(() => {
				if (leaving.current) return quit(130);
				leaving.current = true;
				if (running.current) running.current.controller.abort();
				else quit(130);
			}),
		[signals, quit],
	);

	const rollback = useCallback(() => {
		dispatch({ type: "rollback-started" });
		engine
			.rollback({
				report: (action, result) => dispatch({ type: "rollback-line", line: formatResult(action, result) }),
			})
			.then(
				(result) => dispatch({ type: "rollback-ended", ok: result.ok }),
				(error: Error) => {
					dispatch({ type: "rollback-line", line: `✗ ${error.message}` });
					dispatch({ type: "rollback-ended", ok: false });
				},
			);
	}, [engine]);

	return {
		state,
		engine,
		dispatch,
		tail: () => tail.current.lines(),
		run,
		answer: (stepId, result, notes, values) =>
			attempt(stepId, () => engine.answer(stepId, result, notes, values)),
		decide: (stepId, choice) =>
			attempt(stepId, () => {
				const { outcome } = engine.decide(stepId, choice);
				return { status: outcome === "NO-GO" ? "failed" : "passed", reason: outcome };
			}),
		approve: (stepId, approval) => attempt(stepId, () => engine.approve(stepId, approval)),
		skip: (stepId, reason) =>
			guard(() => {
				engine.skip(stepId, reason);
				advance();
			}),
		override: (stepId, reason) =>
			guard(() => {
				engine.override(stepId, reason);
				advance();
			}),
		next: advance,
		show: (screen) => dispatch({ type: "show", screen }),
		browse: (view) => dispatch({ type: "browse", view }),
		openReview: () => {
			// Opens on the step just done: the one on screen after a result, else the one before it.
			const screen = state.screen;
			const at = engine.steps.findIndex(({ step }) => "stepId" in screen && step.id === screen.stepId);
			const index = at < 0 ? 0 : Math.max(0, screen.name === "result" ? at : at - 1);
			dispatch({ type: "browse", view: { name: "review", index, open: false } });
		},
		rerunRefusal: (stepId) =>
			running.current
				? `${running.current.stepId} is running: wait for it, or stop it with Ctrl+C`
				: engine.refusal(stepId),
		askRollback: (why) =>
			dispatch({
				type: "show",
				screen: {
					name: "rollback",
					phase: "confirm",
					why,
					actions: engine.rollbackPlan().actions.map(describeAction),
					from: state.screen,
					lines: [],
				},
			}),
		rollback,
		openLog: (stepId) =>
			guard(() => {
				const file = join(engine.dir, "logs", `${stepId}.log`);
				if (!existsSync(file)) {
					dispatch({ type: "message", text: `${stepId} has no log: it ran no command` });
					return;
				}
				const lines = readFileSync(file, "utf8").split("\n");
				const back = state.browse?.name === "review" ? state.browse : undefined;
				dispatch({ type: "browse", view: { name: "log", stepId, file, lines, top: 0, back } });
			}),
		exportAs: (format) =>
			guard(() => dispatch({ type: "message", text: `wrote ${engine.exportRecord(format)}` })),
		startFollowup: (id) =>
			guard(() => {
				engine.startFollowup(id);
				advance();
			}),
		interrupt,
		quit,
	};
}
