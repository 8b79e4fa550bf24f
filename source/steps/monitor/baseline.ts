import type { SessionState } from "../../session/reduce.js";

/** The figure a monitor's baseline names, from the session so far; throws a one-line reason when there is none. */
export function baselineValue(
	baseline: { readonly step: string; readonly metric?: string },
	state: SessionState,
): number {
	const metric = baseline.metric ?? "value";
	const result = state.results[baseline.step];
	if (!result || result.status === "pending" || result.status === "running")
		throw new Error(`no baseline: ${baseline.step} has not run yet`);
	const value = result.metrics?.[metric];
	if (value === undefined) {
		const names = Object.keys(result.metrics ?? {});
		throw new Error(
			`no baseline: ${baseline.step} (${result.status}) recorded no ${metric}${names.length > 0 ? ` (its figures: ${names.join(", ")})` : ""}`,
		);
	}
	return value;
}
