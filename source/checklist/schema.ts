/**
 * The checklist format (v1) as one zod schema. It is the single source of the
 * loader's validation and of the JSON Schema shipped for editors
 * (`checklists/schema.json`), so the two can never disagree.
 *
 * Leaf values that operators write in a friendly form (durations, conditions)
 * are transformed into their normalised form here; the JSON Schema describes
 * the input side.
 */
import * as z from "zod";
import { duration } from "./duration-schema.js";
import { compileJsonPath } from "./json-path.js";
import { monitorFields, OPERATORS } from "./monitor-schema.js";
import { patternProblem } from "./pattern.js";

export { AGGREGATES, OPERATORS, type Operator } from "./monitor-schema.js";

// A checklist is parsed once per run: compiling parsers with `new Function` costs more than it saves.
z.config({ jitless: true });

export const ID_PATTERN = /^[a-z0-9][a-z0-9-]*$/;
export const VAR_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const STEP_KINDS = ["backup", "flag", "command", "prompt", "monitor", "decision", "signoff"] as const;
export const PARSERS = ["pytest", "junit", "json", "regex", "prometheus"] as const;

export type StepKind = (typeof STEP_KINDS)[number];

/** Ids name log files and backup folders, so they stay well inside any file-name limit. */
export const MAX_ID_LENGTH = 64;

const id = z
	.string()
	.max(MAX_ID_LENGTH, {
		error: (issue) =>
			`id is ${String(issue.input).length} characters long; an id may be at most ${MAX_ID_LENGTH}`,
	})
	.regex(ID_PATTERN, {
		error: (issue) => `bad id ${JSON.stringify(issue.input)}: use lower-case letters, digits and "-"`,
	})
	.meta({ description: "Identifier: lower-case letters, digits and -." });

const text = z.string().min(1, { error: "must not be empty" });

/** Matched against command output in linear time: RE2 syntax, no look-around or back-references. */
const regexSource = z
	.string()
	.superRefine((value, ctx) => {
		const problem = patternProblem(value);
		if (problem) ctx.addIssue({ code: "custom", message: problem });
	})
	.meta({ description: "A regular expression in RE2 syntax (no look-around, no back-references)." });

const jsonPath = z
	.string()
	.refine((value) => compileJsonPath(value) !== undefined, {
		error: (issue) => `bad JSON path ${JSON.stringify(issue.input)}: use $.key.sub[0] or $['key']`,
	})
	.meta({
		description: 'A JSON path such as "$.summary.passed" or "$.items[0].value".',
	});

const operator = z.enum(OPERATORS, {
	error: (issue) => `bad operator ${JSON.stringify(issue.input)}: use one of ${OPERATORS.join(" ")}`,
});

const threshold = z
	.strictObject({
		metric: text,
		op: operator,
		value: z.number(),
	})
	.meta({
		description: "A figure the parser produced, compared against a value.",
	});

const scalar = z.union([z.string(), z.number(), z.boolean()], {
	error: "expected a string, a number or true/false",
});

const expect = z
	.strictObject({
		exitCode: z
			.union([z.number().int(), z.literal("any"), z.array(z.number().int()).min(1)], {
				error: "exitCode is a whole number, a list of them, or any",
			})
			.optional()
			.meta({
				description: "Expected exit code(s); `any` accepts every code. Default 0.",
			}),
		stdoutMatches: regexSource.optional(),
		stdoutNotMatches: regexSource.optional(),
		parse: z
			.enum(PARSERS, {
				error: (issue) => `unknown parser ${JSON.stringify(issue.input)}: use one of ${PARSERS.join(", ")}`,
			})
			.optional(),
		junit: z.strictObject({ file: text }).optional(),
		json: z
			.strictObject({
				path: jsonPath,
				metric: text.optional().meta({ description: "Name of the figure; default `value`." }),
			})
			.optional(),
		regex: z
			.strictObject({
				pattern: regexSource.refine((value) => /\(\?<[A-Za-z_]\w*>/.test(value), {
					error: "the pattern needs at least one named group, such as (?<coverage>[0-9.]+)",
				}),
			})
			.optional(),
		prometheus: z.strictObject({}).optional(),
		thresholds: z.array(threshold).optional(),
	})
	.superRefine((value, ctx) => {
		for (const parser of ["junit", "json", "regex"] as const) {
			if (value.parse === parser && !value[parser]) {
				ctx.addIssue({
					code: "custom",
					path: ["parse"],
					message: `parse: ${parser} needs a "${parser}:" block beside it`,
				});
			}
			if (value[parser] && value.parse !== parser) {
				ctx.addIssue({
					code: "custom",
					path: [parser],
					message: `"${parser}:" is only read with parse: ${parser}`,
				});
			}
		}
		if (value.thresholds?.length && !value.parse) {
			ctx.addIssue({
				code: "custom",
				path: ["thresholds"],
				message: "thresholds compare parsed figures: add parse: (pytest, junit, json, regex, prometheus)",
			});
		}
	})
	.meta({ description: "What a successful run looks like." });

/** What runs a process: shared by command steps, flag verification and monitor sources. */
const commandFields = {
	run: z.union([text, z.array(z.string()).min(1)]).meta({
		description: "A string runs in a shell; a list runs without one, each item one literal argument.",
	}),
	cwd: text.optional(),
	env: z.record(z.string(), scalar).optional(),
	timeout: duration.optional(),
	retries: z.number().int().nonnegative().optional(),
	retryDelay: duration.optional(),
	expect: expect.optional(),
};

const stepBase = {
	id,
	title: text,
	critical: z.boolean().optional(),
	when: z
		.string()
		.regex(VAR_NAME_PATTERN, {
			error: "when: names a variable, such as `when: enable_extras`",
		})
		.optional()
		.meta({ description: "Run the step only if this variable is truthy." }),
	help: z.string().optional().meta({ description: "A longer explanation shown on demand." }),
};

const backupStep = z.strictObject({
	...stepBase,
	kind: z.literal("backup"),
	paths: z.array(text).min(1),
	optional: z.array(text).optional().meta({
		description: "Paths from `paths` that may be missing; recorded as absent.",
	}),
});

const flagStep = z.strictObject({
	...stepBase,
	kind: z.literal("flag"),
	file: text,
	format: z.enum(["yaml", "json", "env"]).optional().meta({
		description: "Default: from the file's extension (.yaml/.yml, .json, .env).",
	}),
	key: z.union([text, z.array(text).min(1)]).meta({
		description:
			"Dotted path for nested keys: a.b.c; or a list of keys, for keys that hold dots: [editor.formatOnSave]",
	}),
	document: z.number().int().nonnegative().optional().meta({
		description: "YAML only: which document of a multi-document file, counting from 0.",
	}),
	value: z.union([scalar, z.null()], { error: "value is a string, a number, true/false or null" }),
	create: z.boolean().optional().meta({
		description: "Create the key when it is missing instead of refusing.",
	}),
	verify: z.strictObject(commandFields).optional(),
});

const commandStep = z.strictObject({
	...stepBase,
	kind: z.literal("command"),
	...commandFields,
});

const promptStep = z.strictObject({
	...stepBase,
	kind: z.literal("prompt"),
	instructions: z.string().optional(),
	question: text.optional(),
});

const decisionRules = z.strictObject({
	criticalMustPass: z.boolean().optional(),
	minPassRate: z.number().min(0).max(100).optional(),
});

const decisionStep = z.strictObject({
	...stepBase,
	kind: z.literal("decision"),
	rules: decisionRules.optional().meta({ description: "Overrides the checklist's decision rules." }),
});

const signoffStep = z.strictObject({
	...stepBase,
	kind: z.literal("signoff"),
	roles: z.array(text).min(1),
});

const monitorStep = z.strictObject({
	...stepBase,
	kind: z.literal("monitor"),
	...monitorFields,
});

export const stepSchema = z
	.discriminatedUnion(
		"kind",
		[backupStep, flagStep, commandStep, promptStep, monitorStep, decisionStep, signoffStep],
		{
			error: (issue) => {
				const kind = (issue.input as { kind?: unknown } | undefined)?.kind;
				return kind === undefined
					? `missing kind: use one of ${STEP_KINDS.join(", ")}`
					: `unknown kind ${JSON.stringify(kind)}: use one of ${STEP_KINDS.join(", ")}`;
			},
		},
	)
	.meta({
		id: "step",
		description: "One step: backup, flag, command, prompt, monitor, decision or signoff.",
	});

/** The long form of a variable, for what a plain value cannot say. */
const varEntry = z
	.strictObject({
		default: z.union([scalar, z.null()]).optional(),
		secret: z.boolean().optional().meta({
			description:
				"Masked in every record and export; the rollback script reads it from ROLLOUT_SECRET_<NAME>. Names such as *_TOKEN, *_PASS, *_WEBHOOK_URL are secret unless this says false.",
		}),
		allowEmpty: z.boolean().optional().meta({
			description: "May be empty where it is substituted into a command (refused otherwise).",
		}),
		description: z.string().optional(),
	})
	.meta({ description: "A variable with a default and what it may hold." });

const phase = z.strictObject({
	id,
	title: text,
	notes: z.array(z.string()).optional(),
	steps: z.array(stepSchema).min(1, { error: "a phase needs at least one step" }),
});

export const checklistSchema = z
	.strictObject({
		id,
		title: text,
		version: z
			.string({
				error: 'version must be a string: quote it, such as version: "1.0"',
			})
			.optional(),
		description: z.string().optional(),
		notes: z.array(z.string()).optional().meta({
			description: "Known issues and remarks, recorded with the session.",
		}),
		vars: z
			.record(
				z.string().regex(VAR_NAME_PATTERN, {
					error: "bad variable name: use letters, digits and _",
				}),
				z.union([scalar, z.null(), varEntry], {
					error: "a variable is a value, null, or a mapping with default, secret, allowEmpty",
				}),
			)
			.optional()
			.meta({
				description:
					"Defaults for ${name}; `--var name=value` overrides. A variable with no value (null) must be given with --var.",
			}),
		decision: decisionRules.optional(),
		phases: z.array(phase).min(1, { error: "a checklist needs at least one phase" }),
		rollback: z
			.strictObject({
				triggers: z.array(text).optional(),
				steps: z.array(stepSchema).optional(),
				verify: z.array(stepSchema).optional(),
			})
			.optional(),
		followups: z
			.array(
				z.strictObject({
					id,
					after: duration,
					title: text,
					steps: z.array(stepSchema).min(1),
				}),
			)
			.optional(),
	})
	.meta({
		title: "rollout checklist",
		description: "A production rollout checklist run by the rollout wizard (format v1).",
	});

/** A checklist as written, before interpolation. */
export type ChecklistInput = z.input<typeof checklistSchema>;
/** A checklist after validation and normalisation (durations in ms, conditions parsed). */
export type Checklist = z.output<typeof checklistSchema>;
export type Step = z.output<typeof stepSchema>;
export type Phase = Checklist["phases"][number];

/** The JSON Schema for editors, generated from the same source as the loader. */
export function checklistJsonSchema(): Record<string, unknown> {
	return z.toJSONSchema(checklistSchema, {
		io: "input",
		unrepresentable: "any",
	});
}
