import type { Key } from "ink";
import type { PlacedStep } from "../checklist/steps.js";
import { listingStatus } from "../session/rules.js";
import type { MonitorVerdict } from "../steps/monitor/monitor.js";
import { moduleOf } from "../steps/registry.js";
import { type BindingName, pressed } from "./key-bindings.js";
import type { Wizard } from "./use-wizard.js";
import type { Screen } from "./wizard-state.js";

/** What a step's result lets the operator do next. */
export type ResultChoice = "next" | "blocked" | "breach" | "warned" | "failed";

export function resultChoice(engine: Wizard["engine"], placed: PlacedStep): ResultChoice {
	const result = engine.state.results[placed.step.id];
	const verdict = (result?.evidence as { monitor?: MonitorVerdict } | undefined)?.monitor;
	if (engine.blocks(placed.step.id)) return verdict?.onCritical === "rollback" ? "breach" : "blocked";
	if (result?.status === "failed") return moduleOf(placed.step).mode === "run" ? "failed" : "next";
	if (result?.status === "passed" && verdict?.outcome === "warned") return "warned";
	return "next";
}

/** The keys for the screen of the moment; text fields keep every key but Ctrl+C and Esc. */
export function handleKey(wizard: Wizard, input: string, key: Key, typing: boolean) {
	const { state, engine } = wizard;
	const is = (name: BindingName) => pressed(name, input, key);
	if (is("interrupt")) return wizard.interrupt();
	const screen = state.screen;
	if (screen.name === "quit") {
		if (is("apply")) wizard.quit(screen.code);
		else if (is("decline") || is("back")) wizard.dispatch({ type: "stay" });
		return;
	}
	if (screen.name === "running") return;
	if (typing) {
		if (is("back") && screen.name === "reason") wizard.show({ name: "step", stepId: screen.stepId });
		if (is("back") && screen.name === "review") wizard.show({ ...screen, mode: undefined });
		return;
	}
	if (is("help")) return wizard.dispatch({ type: "toggle-help" });
	if (is("flow") && !state.help) return wizard.dispatch({ type: "toggle-flow" });
	if (state.help) {
		if (is("back")) wizard.dispatch({ type: "toggle-help" });
		return;
	}
	if (screen.name === "rollback") {
		if (screen.phase === "confirm" && is("apply")) wizard.rollback();
		// Not now: back to the screen that offered it (a failed critical step stays failed).
		else if (screen.phase === "confirm" && (is("decline") || is("back"))) wizard.show(screen.from);
		else if (screen.phase === "ended" && is("confirm")) wizard.show({ name: "done", panel: "summary" });
		else if (screen.phase === "ended" && is("quit")) wizard.quit(screen.ok ? 0 : 1);
		return;
	}
	if (screen.name === "log") {
		const page = pageSize();
		const move = (by: number) => wizard.dispatch({ type: "log-move", by, page });
		if (is("up")) move(-1);
		else if (is("down")) move(1);
		else if (is("pageUp")) move(-page);
		else if (is("pageDown") || is("confirm")) move(page);
		else if (is("first")) move(-screen.lines.length);
		else if (is("last")) move(screen.lines.length);
		else if (is("back") || is("log") || is("quit")) wizard.show(screen.from);
		return;
	}
	if (screen.name === "review") {
		const count = engine.steps.length;
		// The phase picker and the search field take their own keys; Esc leaves them.
		if (screen.mode) {
			if (is("back")) wizard.show({ ...screen, mode: undefined });
			return;
		}
		const page = pageSize();
		if (is("up")) wizard.dispatch({ type: "review-move", by: -1, count });
		else if (is("down")) wizard.dispatch({ type: "review-move", by: 1, count });
		else if (is("pageUp")) wizard.dispatch({ type: "review-move", by: -page, count });
		else if (is("pageDown")) wizard.dispatch({ type: "review-move", by: page, count });
		else if (is("first")) wizard.dispatch({ type: "review-move", by: -count, count });
		else if (is("last")) wizard.dispatch({ type: "review-move", by: count, count });
		else if (is("jump")) wizard.show({ ...screen, mode: "phase" });
		else if (is("search")) wizard.show({ ...screen, mode: "search" });
		else if (is("log")) {
			const picked = engine.steps[screen.index];
			if (picked) wizard.openLog(picked.step.id);
		} else if (is("confirm")) wizard.show({ ...screen, open: !screen.open });
		else if (is("rerun")) {
			const picked = engine.steps[screen.index];
			// A frozen session, a NO-GO, a blocking failure: the engine says why, on the screen.
			const refused = picked && engine.refusal(picked.step.id);
			if (refused) wizard.dispatch({ type: "message", text: refused });
			else if (picked) wizard.show({ name: "step", stepId: picked.step.id });
		} else if (is("back") || is("review")) wizard.show(state.previous ?? { name: "done", panel: "summary" });
		return;
	}
	if (is("review") && screen.name !== "done") {
		// Opens on the step just done: the one on screen after a result, else the one before it.
		const at = engine.steps.findIndex(({ step }) => "stepId" in screen && step.id === screen.stepId);
		return wizard.show({
			name: "review",
			index: Math.max(0, screen.name === "result" ? at : at - 1),
			open: false,
		});
	}
	if (screen.name === "done") return doneKeys(wizard, screen, is);
	if (is("quit")) return wizard.dispatch({ type: "ask-quit", code: 0 });
	const placed = engine.placed(screen.stepId);
	if (is("details")) return wizard.dispatch({ type: "toggle-details" });
	if (screen.name === "step") {
		const { mode, asksYes } = moduleOf(placed.step);
		if (mode === "run" && (asksYes ? is("apply") : is("confirm"))) wizard.run(screen.stepId);
		// A prompt answers its own p / f / s; a decision is made, not skipped.
		else if (is("skip") && mode !== "decision" && mode !== "prompt")
			wizard.show({ name: "reason", stepId: screen.stepId, purpose: "skip" });
		return;
	}
	if (screen.name === "result") {
		// The keys a result offers are the ones its footer shows.
		const offered = RESULT_HINTS[resultChoice(wizard.engine, placed)].map(([name]) => name);
		const pick = offered.find((name) => is(name));
		if (pick === "confirm") wizard.next();
		else if (pick === "retry") wizard.show({ name: "step", stepId: screen.stepId });
		else if (pick === "override") wizard.show({ name: "reason", stepId: screen.stepId, purpose: "override" });
		else if (pick === "rollback") wizard.askRollback(screen.outcome.reason ?? screen.stepId);
	}
}

function doneKeys(
	wizard: Wizard,
	screen: Extract<Screen, { name: "done" }>,
	is: (name: BindingName) => boolean,
) {
	if (screen.panel !== "summary") {
		if (is("back")) wizard.show({ name: "done", panel: "summary" });
		return;
	}
	const { engine } = wizard;
	if (is("quit")) wizard.quit(failedEnd(engine) ? 1 : 0);
	else if (is("export")) wizard.show({ name: "done", panel: "export" });
	else if (is("plan")) wizard.show({ name: "done", panel: "plan" });
	else if (is("review")) wizard.show({ name: "review", index: 0, open: false });
	else if (is("rollback") && !engine.state.dryRun) wizard.askRollback("asked by the operator");
	else if (is("followup") && followupsOffered(wizard)) wizard.show({ name: "done", panel: "followup" });
}

/** How far PgUp and PgDn move: a screenful less the frame around it. */
function pageSize(): number {
	return Math.max(5, (process.stdout.rows || 24) - 10);
}

/** A session that ends NO-GO or whose rollback failed exits 1, as `rollout run` does. */
export function failedEnd(engine: Wizard["engine"]): boolean {
	const status = listingStatus(engine.state);
	return engine.outcome()?.outcome === "NO-GO" || status === "rollback failed";
}

function followupsOffered({ engine }: Wizard): boolean {
	return engine.followupsOpen() && (engine.definition.followups ?? []).length > 0;
}

const RESULT_HINTS: Record<ResultChoice, (readonly [BindingName, string])[]> = {
	next: [["confirm", "go on"]],
	failed: [
		["confirm", "go on"],
		["retry", "retry"],
	],
	warned: [
		["confirm", "go on"],
		["rollback", "roll back"],
	],
	blocked: [
		["retry", "retry"],
		["override", "override"],
		["rollback", "abort & roll back"],
	],
	breach: [
		["rollback", "roll back"],
		["retry", "retry"],
		["override", "override"],
	],
};

/** The keys the footer shows: the ones that work on the screen of the moment. */
export function hintsFor(
	wizard: Wizard,
	placed: PlacedStep | undefined,
	typing: boolean,
): (readonly [BindingName, string])[] {
	const { screen, help } = wizard.state;
	const { engine } = wizard;
	if (help)
		return [
			["back", "close"],
			["help", "close"],
		];
	if (screen.name === "running") return [["interrupt", "stop"]];
	if (screen.name === "quit")
		return [
			["apply", "quit"],
			["decline", "stay"],
		];
	if (typing)
		return [
			["confirm", "submit"],
			...(screen.name === "reason" || (placed && moduleOf(placed.step).mode === "prompt")
				? ([["back", screen.name === "reason" ? "cancel" : "back"]] as const)
				: []),
			["interrupt", "quit"],
		];
	const common: (readonly [BindingName, string])[] = [
		["flow", wizard.state.auto ? "one at a time" : "run on"],
		["review", "review"],
		["help", "keys"],
		["quit", "quit"],
	];
	switch (screen.name) {
		case "step": {
			const module = placed && moduleOf(placed.step);
			if (module?.mode === "prompt") return [["pass", "pass"], ["fail", "fail"], ["skip", "skip"], ...common];
			if (module?.mode !== "run") return [["down", "choose"], ["confirm", "select"], ...common];
			return [
				module.asksYes ? ["apply", "apply"] : ["confirm", "run"],
				["skip", "skip"],
				["details", "help"],
				...common,
			];
		}
		case "result":
			return [...(placed ? RESULT_HINTS[resultChoice(wizard.engine, placed)] : []), ...common];
		case "review":
			return screen.mode
				? [
						["confirm", screen.mode === "phase" ? "jump" : "find"],
						["back", "cancel"],
					]
				: [
						["down", "move"],
						["pageDown", "page"],
						["confirm", "details"],
						["jump", "phase"],
						["search", "find"],
						["log", "log"],
						["rerun", "run again"],
						["back", "back"],
					];
		case "log":
			return [
				["down", "scroll"],
				["pageDown", "page"],
				["first", "top"],
				["last", "end"],
				["back", "back"],
			];
		case "rollback":
			return screen.phase === "confirm"
				? [
						["apply", "roll back"],
						["decline", "not now"],
					]
				: [
						["confirm", "go on"],
						["quit", "quit"],
					];
		case "done":
			return screen.panel === "summary"
				? [
						["export", "export"],
						["plan", "plan"],
						...(engine.state.dryRun ? [] : ([["rollback", "roll back"]] as const)),
						...(followupsOffered(wizard) ? ([["followup", "follow-up"]] as const) : []),
						["review", "review"],
						["quit", "quit"],
					]
				: [
						["confirm", "select"],
						["back", "back"],
					];
		default:
			return common;
	}
}
