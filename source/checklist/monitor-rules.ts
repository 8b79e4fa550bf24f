import { formatSpan, parseDuration } from "./duration.js";
import { parseLevel } from "./monitor-schema.js";
import type { RuleProblem } from "./rules.js";

type Raw = Record<string, unknown>;

const PYTEST = [
	"passed",
	"failed",
	"errors",
	"skipped",
	"xfailed",
	"xpassed",
	"total",
	"pass_rate",
	"collected",
];
const JUNIT = ["tests", "failures", "errors", "skipped", "pass_rate"];
const MONITOR = ["value", "min", "max", "avg"];

/**
 * The monitor rules that span more than one value: shorthand levels or alert tiers, not both;
 * a baseline level needs a baseline, which names an earlier step that records that figure;
 * a sustained level can be reached within the readings the monitor takes.
 */
export function monitorRules(
	step: Raw,
	path: (string | number)[],
	earlier: ReadonlyMap<string, Raw>,
): RuleProblem[] {
	const problems: RuleProblem[] = [];
	const at = (key: string | number, ...rest: (string | number)[]) => [...path, key, ...rest];
	const alerts = Array.isArray(step.alerts) ? (step.alerts as unknown[]) : undefined;
	if (alerts) {
		for (const key of ["warn", "critical", "onCritical", "sustained"]) {
			if (step[key] !== undefined)
				problems.push({
					path: at(key),
					atKey: true,
					message: `${key}: and alerts: both set the levels: put this level in alerts: as a tier`,
				});
		}
	}
	const levels: { text: unknown; path: (string | number)[]; sustained: unknown }[] = alerts
		? alerts.map((alert, index) => {
				const tier = (alert ?? {}) as Raw;
				return { text: tier.when, path: at("alerts", index, "when"), sustained: tier.for };
			})
		: ["warn", "critical"].map((key) => ({ text: step[key], path: at(key), sustained: step.sustained }));
	const relative = levels.filter(
		(level) => typeof level.text === "string" && parseLevel(level.text)?.baseline !== undefined,
	);
	const baseline = step.baseline as Raw | undefined;
	for (const level of relative) {
		if (!baseline)
			problems.push({
				path: level.path,
				message: `${JSON.stringify(level.text)} compares with a baseline: add baseline: { step: <an earlier step>, metric: <its figure> }`,
			});
	}
	if (baseline && typeof baseline === "object" && relative.length === 0)
		problems.push({
			path: at("baseline"),
			atKey: true,
			message: 'no level compares with the baseline: write one such as critical: "> baseline + 10%"',
		});
	if (baseline && typeof baseline.step === "string") {
		const source = earlier.get(baseline.step);
		const metric = typeof baseline.metric === "string" ? baseline.metric : "value";
		if (!source)
			problems.push({
				path: at("baseline", "step"),
				message: `"${baseline.step}" is not a step before this one: the baseline must be recorded earlier`,
			});
		else {
			const figures = figuresOf(source);
			if (figures && !figures.includes(metric))
				problems.push({
					path: at("baseline", typeof baseline.metric === "string" ? "metric" : "step"),
					message:
						figures.length === 0
							? `${baseline.step} records no figures: give it expect.parse (regex, json, …) or make it a monitor`
							: `${baseline.step} records no ${metric}: its figures are ${figures.join(", ")}`,
				});
		}
	}
	const window = durationOf(step.window);
	const interval = durationOf(step.interval) ?? 0;
	if (step.window !== undefined && step.samples !== undefined)
		problems.push({
			path: at("samples"),
			atKey: true,
			message: "samples: and window: both say how long to watch: keep one",
		});
	if (step.window !== undefined && !interval)
		problems.push({
			path: at("window"),
			atKey: true,
			message: "window: needs interval: (the time between readings), such as interval: 1m",
		});
	if (Array.isArray(step.checkpoints)) {
		if (step.window === undefined)
			problems.push({
				path: at("checkpoints"),
				atKey: true,
				message: "checkpoints: are times into a window: add window:",
			});
		let previous = 0;
		for (const [index, checkpoint] of step.checkpoints.entries()) {
			const ms = durationOf(checkpoint);
			if (ms === undefined) continue;
			if (ms <= previous)
				problems.push({
					path: at("checkpoints", index),
					message: "checkpoints go up: each comes after the one before it",
				});
			else if (window !== undefined && ms > window)
				problems.push({
					path: at("checkpoints", index),
					message: `${String(checkpoint)} is past the end of the window (${String(step.window)})`,
				});
			previous = Math.max(previous, ms);
		}
	}
	const samples =
		window !== undefined && interval
			? Math.floor(window / interval) + 1
			: typeof step.samples === "number"
				? step.samples
				: 1;
	for (const level of levels) {
		if (level.text === undefined || level.sustained === undefined) continue;
		const text = String(level.sustained).trim();
		const count = /^(\d+)\s+readings?$/.exec(text);
		const span = (samples - 1) * interval;
		if (count && Number(count[1]) > samples)
			problems.push({
				path: alerts ? level.path.slice(0, -1).concat("for") : at("sustained"),
				message: `sustained for ${count[1]} readings can never hold: the monitor takes ${samples} (samples:)`,
			});
		const ms = count ? undefined : durationOf(text);
		if (ms !== undefined && ms > span)
			problems.push({
				path: alerts ? level.path.slice(0, -1).concat("for") : at("sustained"),
				message: `sustained for ${text} can never hold: ${samples} reading(s)${interval ? ` ${String(step.interval)} apart` : ""} span ${span === 0 ? "no time" : formatSpan(span)} (raise samples: to at least ${interval ? Math.ceil(ms / interval) + 1 : "?"}${interval ? "" : " and set interval:"})`,
			});
	}
	return problems;
}

function durationOf(value: unknown): number | undefined {
	if (typeof value === "number") return value;
	return typeof value === "string" ? parseDuration(value) : undefined;
}

/** The figures a step records, when they can be told from the checklist; undefined when they cannot. */
function figuresOf(step: Raw): string[] | undefined {
	if (step.kind === "monitor") return MONITOR;
	if (step.kind !== "command") return [];
	const expect = (step.expect ?? {}) as Raw;
	switch (expect.parse) {
		case "pytest":
			return PYTEST;
		case "junit":
			return JUNIT;
		case "json":
			return [String((expect.json as Raw | undefined)?.metric ?? "value")];
		case "regex": {
			const pattern = String((expect.regex as Raw | undefined)?.pattern ?? "");
			return [...pattern.matchAll(/\(\?P?<([A-Za-z_]\w*)>/g)].map((match) => match[1] ?? "");
		}
		case undefined:
			return [];
		default:
			return undefined;
	}
}
