/**
 * The monitor step's part of the checklist format: its sources, its levels (absolute or
 * against a baseline), how long a level must hold, and its alert tiers with their actions.
 */
import * as z from "zod";
import { parseDuration } from "./duration.js";
import { duration } from "./duration-schema.js";
import { compileJsonPath } from "./json-path.js";
import { patternProblem } from "./pattern.js";

export const OPERATORS = [">", ">=", "<", "<=", "==", "!="] as const;
export const AGGREGATES = ["avg", "p50", "p95", "p99", "max", "min", "count", "sum", "ratio"] as const;
export const ALERT_LEVELS = ["warning", "critical", "page"] as const;
export const ALERT_ACTIONS = ["notify", "stop", "rollback", "schedule-rollback"] as const;

export type Operator = (typeof OPERATORS)[number];
export type AlertLevel = (typeof ALERT_LEVELS)[number];
export type AlertAction = (typeof ALERT_ACTIONS)[number];

/**
 * A level as written: `> 1` compares with the number; `> baseline`, `> baseline + 100` and
 * `> baseline + 10%` compare with a figure recorded earlier, plus an amount or a percentage.
 */
export interface Level {
	readonly op: Operator;
	readonly value: number;
	/** Set when the level is relative to the step's baseline: the value is added, or is a percentage of it. */
	readonly baseline?: "add" | "percent";
	/** The level as the checklist wrote it, for people. */
	readonly text: string;
}

const NUMBER = String.raw`-?\d+(?:\.\d+)?`;
const OP = "(>=|<=|==|!=|>|<)";
export const ABSOLUTE_LEVEL = new RegExp(String.raw`^\s*${OP}\s*(${NUMBER})\s*$`);
const RELATIVE_LEVEL = new RegExp(
	String.raw`^\s*${OP}\s*baseline\s*(?:([+-])\s*(\d+(?:\.\d+)?)\s*(%?))?\s*$`,
);

/** Parses a level; undefined when it is neither form. */
export function parseLevel(text: string): Level | undefined {
	const absolute = ABSOLUTE_LEVEL.exec(text);
	if (absolute) return { op: absolute[1] as Operator, value: Number(absolute[2]), text: text.trim() };
	const relative = RELATIVE_LEVEL.exec(text);
	if (!relative) return undefined;
	const amount = Number(relative[3] ?? 0) * (relative[2] === "-" ? -1 : 1);
	return {
		op: relative[1] as Operator,
		value: amount,
		baseline: relative[4] === "%" ? "percent" : "add",
		text: text.trim(),
	};
}

const levelError = (input: unknown) =>
	`bad condition ${JSON.stringify(input)}: use an operator (> >= < <= == !=) and a number, such as "> 0.5", or a baseline, such as "> baseline + 10%"`;

/** A comparison, against a number or against the baseline. */
export const level = z
	.string({ error: (issue) => levelError(issue.input) })
	.refine((value) => parseLevel(value) !== undefined, { error: (issue) => levelError(issue.input) })
	.transform((value) => parseLevel(value) as Level)
	.meta({
		description:
			'An operator and a number, such as "> 0.5"; or against the baseline: "> baseline", "> baseline + 100", "> baseline + 10%".',
	});

const SUSTAINED_READINGS = /^\s*(\d+)\s+readings?\s*$/;

/** How long a level must hold before it counts: a number of consecutive readings, or a duration. */
export interface Sustained {
	readonly readings?: number;
	readonly ms?: number;
	readonly text: string;
}

const sustainedError = (input: unknown) =>
	`bad sustained ${JSON.stringify(input)}: use a duration such as 10m, or a count of readings such as "3 readings"`;

export const sustained = z
	.union([z.string(), z.number()], { error: (issue) => sustainedError(issue.input) })
	.superRefine((value, ctx) => {
		const text = String(value);
		const count = SUSTAINED_READINGS.exec(text);
		if (count ? Number(count[1]) < 1 : !parseDuration(text))
			ctx.addIssue({ code: "custom", message: sustainedError(value) });
	})
	.transform((value): Sustained => {
		const text = String(value).trim();
		const count = SUSTAINED_READINGS.exec(text);
		return count ? { readings: Number(count[1]), text } : { ms: parseDuration(text) ?? 0, text };
	})
	.meta({
		description:
			'The level counts only when it holds this long without a break: a duration (10m) or consecutive readings ("3 readings").',
	});

const text = z.string().min(1, { error: "must not be empty" });

/** An alert tier: a level, how long it must hold, and what happens when it does. */
const alert = z
	.strictObject({
		level: z.enum(ALERT_LEVELS, {
			error: (issue) => `unknown alert level ${JSON.stringify(issue.input)}: use warning, critical or page`,
		}),
		when: level,
		for: sustained.optional(),
		action: z
			.enum(ALERT_ACTIONS, {
				error: (issue) =>
					`unknown action ${JSON.stringify(issue.input)}: use notify, stop, rollback or schedule-rollback`,
			})
			.optional()
			.meta({ description: "Default: notify for warning, stop for critical and page." }),
		within: duration.optional().meta({
			description: "With schedule-rollback: the rollback is due this long after the breach.",
		}),
	})
	.superRefine((value, ctx) => {
		if (value.action === "schedule-rollback" && value.within === undefined)
			ctx.addIssue({
				code: "custom",
				path: ["action"],
				message:
					"action: schedule-rollback needs within: (how long after the breach the rollback is due), such as within: 24h",
			});
		if (value.within !== undefined && value.action !== "schedule-rollback")
			ctx.addIssue({
				code: "custom",
				path: ["within"],
				message: "within: is only read with action: schedule-rollback",
			});
	});

/** A filter value: equal to a scalar, or a condition on a number ("> 1000"). */
const matchValue = z.union([z.string(), z.number(), z.boolean(), z.null()], {
	error: 'a filter value is a string, a number, true/false, null or a condition such as "> 1000"',
});

const jsonl = z
	.strictObject({
		file: text,
		field: text.optional().meta({ description: "Dotted path into each record, such as data.latency_ms." }),
		aggregate: z.enum(AGGREGATES, {
			error: (issue) =>
				`unknown aggregate ${JSON.stringify(issue.input)}: use one of ${AGGREGATES.join(", ")}`,
		}),
		where: z.record(z.string(), matchValue).optional().meta({
			description: "Only records whose fields (dotted paths) have these values are read.",
		}),
		match: z.record(z.string(), matchValue).optional().meta({
			description: "With aggregate: ratio, the records counted: the reading is their share in percent.",
		}),
		window: z
			.strictObject({
				lines: z.number().int().min(1, { error: "must be at least 1" }).optional(),
				last: duration.optional(),
				timeField: text.optional(),
			})
			.optional(),
	})
	.superRefine((value, ctx) => {
		if (value.aggregate === "ratio" && !value.match)
			ctx.addIssue({
				code: "custom",
				path: ["aggregate"],
				message:
					"aggregate: ratio needs match: (the records whose share is the reading), such as match: { level: error }",
			});
		if (value.aggregate === "ratio" && value.field)
			ctx.addIssue({
				code: "custom",
				path: ["field"],
				message: "aggregate: ratio counts records, it reads no field: filter them with match: and where:",
			});
		if (value.match && value.aggregate !== "ratio")
			ctx.addIssue({ code: "custom", path: ["match"], message: "match: is only read with aggregate: ratio" });
		if (!value.field && value.aggregate !== "ratio" && value.aggregate !== "count")
			ctx.addIssue({
				code: "custom",
				path: ["aggregate"],
				message: `aggregate: ${value.aggregate} needs field: (the number to aggregate)`,
			});
	});

const log = z.strictObject({
	file: text,
	pattern: text
		.superRefine((value, ctx) => {
			const problem = patternProblem(value);
			if (problem) ctx.addIssue({ code: "custom", message: problem });
		})
		.meta({ description: "Lines matching this regular expression (RE2 syntax) are counted." }),
	window: z
		.strictObject({
			lines: z.number().int().min(1, { error: "must be at least 1" }).optional(),
			last: duration
				.optional()
				.meta({ description: "Only lines stamped within this long before the reading." }),
		})
		.optional(),
});

const jsonPath = z.string().refine((value) => compileJsonPath(value) !== undefined, {
	error: (issue) => `bad JSON path ${JSON.stringify(issue.input)}: use $.key.sub[0] or $['key']`,
});

const SOURCE_KINDS = ["command", "http", "prometheus", "jsonl", "log"] as const;

export const monitorSource = z
	.strictObject({
		command: z.union([text, z.array(z.string()).min(1)]).optional(),
		http: z
			.strictObject({
				url: text,
				format: z.enum(["prometheus", "json"]),
				metric: text.optional(),
				path: jsonPath.optional(),
				headers: z.record(z.string(), z.string()).optional(),
			})
			.superRefine((value, ctx) => {
				if (value.format === "prometheus" && !value.metric)
					ctx.addIssue({ code: "custom", path: ["metric"], message: "format: prometheus needs metric:" });
				if (value.format === "json" && !value.path)
					ctx.addIssue({ code: "custom", path: ["path"], message: "format: json needs path:" });
			})
			.optional(),
		prometheus: z.strictObject({ url: text, query: text }).optional(),
		jsonl: jsonl.optional(),
		log: log.optional(),
	})
	.superRefine((value, ctx) => {
		const given = Object.keys(value).filter((key) => value[key as keyof typeof value] !== undefined);
		if (given.length !== 1) {
			ctx.addIssue({
				code: "custom",
				message: `source needs exactly one of ${SOURCE_KINDS.join(", ")} (found ${given.length === 0 ? "none" : given.join(", ")})`,
			});
		}
	});

/** The monitor step's own keys (beside id, title, help, when). */
export const monitorFields = {
	source: monitorSource,
	samples: z.number().int().min(1, { error: "must be at least 1" }).optional(),
	interval: duration.optional().meta({ description: "Time between readings." }),
	window: duration.optional().meta({
		description:
			"An observation window: readings `interval` apart for this long from the first one, in place of samples. The operator can leave it and resume it; the decision waits for it.",
	}),
	checkpoints: z.array(duration).min(1).optional().meta({
		description:
			"Times into the window (6h, 12h, …) at which the readings since the last checkpoint are judged and recorded.",
	}),
	timeout: duration.optional().meta({ description: "Per reading; default 5s." }),
	baseline: z
		.strictObject({
			step: text.meta({ description: "An earlier step that recorded the figure." }),
			metric: text.optional().meta({ description: "The figure's name; default value." }),
		})
		.optional()
		.meta({ description: 'The figure a level such as "> baseline + 10%" compares with.' }),
	warn: level.optional(),
	critical: level.optional().meta({
		description:
			'The critical level, such as "> 1". On a monitor step `critical` is this level; a breach counts against the decision.',
	}),
	sustained: sustained.optional(),
	onCritical: z.enum(["rollback", "stop", "continue"]).optional(),
	alerts: z.array(alert).min(1, { error: "alerts: needs at least one tier" }).optional().meta({
		description:
			"Alert tiers (warning, critical, page), each with its level, how long it must hold, and its action.",
	}),
};

/** One alert tier after loading. */
export type Alert = z.output<typeof alert>;
