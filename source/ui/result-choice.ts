import type { PlacedStep } from "../checklist/steps.js";
import type { Engine } from "../engine/engine.js";
import type { MonitorVerdict } from "../steps/monitor/monitor.js";
import { moduleOf } from "../steps/registry.js";

/** What a step's result lets the operator do next. */
export type ResultChoice = "next" | "blocked" | "breach" | "warned" | "failed";

export function resultChoice(engine: Engine, placed: PlacedStep): ResultChoice {
	const result = engine.state.results[placed.step.id];
	const verdict = (result?.evidence as { monitor?: MonitorVerdict } | undefined)?.monitor;
	if (engine.blocks(placed.step.id)) return verdict?.onCritical === "rollback" ? "breach" : "blocked";
	if (result?.status === "failed") return moduleOf(placed.step).mode === "run" ? "failed" : "next";
	if (result?.status === "passed" && verdict?.outcome === "warned") return "warned";
	return "next";
}
