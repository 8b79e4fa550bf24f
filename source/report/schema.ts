import * as z from "zod";
import { REPORT_SCHEMA_VERSION } from "./model.js";

const outcome = z.enum(["GO", "NO-GO", "GO WITH CONDITIONS"]);
const time = z.iso.datetime();

/**
 * The shape of `rollout export --format json` (and signoff.json), as a schema: the
 * documented contract for tools that read rollout's records.
 */
export const reportSchema = z
	.object({
		schemaVersion: z.literal(REPORT_SCHEMA_VERSION),
		session: z.object({
			id: z.string(),
			checklist: z.object({
				id: z.string(),
				title: z.string(),
				version: z.string().optional(),
				sha256: z.string().regex(/^[0-9a-f]{64}$/),
				file: z.string(),
			}),
			operator: z.string(),
			host: z.string(),
			user: z.string(),
			startedAt: time,
			endedAt: time.optional().describe("Absent while the session is unfinished."),
			status: z.enum([
				"in progress",
				"GO",
				"NO-GO",
				"GO WITH CONDITIONS",
				"rolled back",
				"rollback failed",
				"abandoned",
			]),
			lifecycle: z
				.enum([
					"in progress",
					"decided",
					"signed off",
					"ended",
					"rolled back",
					"rollback failed",
					"abandoned",
				])
				.describe(
					"Where the session is in its life: in progress → decided → signed off → ended, or rolled back / abandoned.",
				),
			abandoned: z
				.object({ reason: z.string(), at: time })
				.optional()
				.describe("When and why the session was given up (`rollout abandon`); it stays after a rollback."),
			finished: z.boolean(),
			dryRun: z.boolean(),
		}),
		decision: z
			.object({
				outcome: outcome.describe("The session's outcome: the same one every format and screen shows."),
				reasons: z.array(z.string()),
				conditions: z.array(z.string()),
				decided: outcome
					.optional()
					.describe(
						"What the decision step said, when a later fact (a rejected sign-off, a failed critical step) turned it into a NO-GO.",
					),
			})
			.optional()
			.describe("Absent until a decision is made (or the session ends without a decision step)."),
		steps: z.array(
			z.object({
				id: z.string(),
				phase: z.string().describe("The phase id, or the follow-up id for follow-up steps."),
				phaseTitle: z.string().describe("The phase's (or follow-up's) title, as the checklist names it."),
				kind: z.enum(["backup", "flag", "command", "prompt", "monitor", "decision", "signoff"]),
				title: z.string(),
				critical: z.boolean(),
				status: z.enum(["pending", "running", "passed", "failed", "skipped", "interrupted"]),
				reason: z.string().optional(),
				metrics: z.record(z.string(), z.number()).optional(),
				notes: z.string().optional(),
				override: z.string().optional(),
				details: z
					.array(z.string())
					.describe("What a reviewer checks beside the status, as the step's kind tells it."),
				attempts: z.number().int().nonnegative(),
				startedAt: time.optional(),
				endedAt: time.optional(),
				durationMs: z.number().nonnegative().optional(),
				evidence: z
					.unknown()
					.optional()
					.describe("What the step left: command line, exit code, log, diff, files."),
				readings: z
					.array(
						z.object({
							at: time,
							value: z.number().optional(),
							error: z.string().optional(),
							level: z
								.enum(["warning", "critical", "page"])
								.optional()
								.describe("The highest alert tier holding at this reading."),
						}),
					)
					.optional(),
				by: z
					.string()
					.optional()
					.describe(
						"Who did it: the operator, or for a sign-off the people who signed; absent when it never started.",
					),
				question: z.string().optional().describe("A prompt's question, as the checklist asks it."),
				answer: z
					.enum(["yes", "no", "skipped"])
					.optional()
					.describe(
						"The answer given to a prompt; absent when none was (a missing answer, a skip the engine decided).",
					),
				limits: z
					.array(
						z.object({
							metric: z.string(),
							rule: z
								.string()
								.describe(
									'For people: ">= 95", "warn > 0.5 → notify", "critical > baseline + 10% (= 550) for 10m → rollback".',
								),
							condition: z
								.string()
								.describe('The comparison as the checklist wrote it: ">= 95", "> 0.5", "> baseline + 10%".'),
							level: z
								.enum(["warning", "critical", "page"])
								.optional()
								.describe("A monitor's alert tier; absent for a threshold."),
							action: z
								.enum(["notify", "stop", "rollback", "schedule-rollback"])
								.optional()
								.describe("What the monitor's tier does when its condition holds."),
							met: z
								.boolean()
								.optional()
								.describe(
									"A threshold: whether the measured figure meets it. A monitor's tier: whether its condition held (as long as it asks) at some reading. Absent when nothing was measured.",
								),
							metAt: time.optional().describe("A monitor's tier that held: the reading at which it did."),
						}),
					)
					.describe("What the checklist asked of the step's figures."),
				interruptions: z
					.array(z.object({ at: time, reason: z.string(), resumedAt: time.optional() }))
					.describe("Each time the step was cut off, in any attempt, and when the session resumed."),
			}),
		),
		approvals: z.array(
			z.object({
				role: z.string(),
				name: z.string(),
				decision: z.enum(["approve", "reject"]),
				comment: z.string().optional(),
				at: time.describe("When this approval was entered."),
				enteredBy: z.string().optional().describe("The operator who typed it in."),
			}),
		),
		notes: z.array(z.string()),
		rollbackPlan: z.object({
			triggers: z.array(z.string()),
			fired: z.string().optional(),
			actions: z.array(
				z.object({ kind: z.enum(["revert-flag", "restore", "step"]), description: z.string() }),
			),
		}),
		rollbacks: z.array(
			z.object({
				startedAt: time,
				trigger: z.string().optional(),
				actions: z.array(z.object({ action: z.string(), status: z.string(), detail: z.string().optional() })),
				ok: z.boolean().optional(),
				failedAction: z.string().optional(),
			}),
		),
		interruptions: z
			.array(
				z.object({
					stoppedAt: time.describe("The last record the stopped process wrote."),
					clean: z
						.boolean()
						.describe("Whether the process closed the session, or was killed, crashed or lost its terminal."),
					reason: z.string().optional(),
					resumedAt: time.optional(),
					host: z.string().optional(),
					steps: z.array(z.string()).describe("Steps that were running when it stopped."),
				}),
			)
			.describe("Every stop of the session's process and the resume that followed."),
		followups: z.array(
			z.object({
				id: z.string(),
				title: z.string(),
				after: z.string().describe('How long after the sign-off it falls due: "1 day", "7 days".'),
				dueAt: time.optional().describe("Absent until the session ended GO or GO WITH CONDITIONS."),
				startedAt: time.optional(),
				status: z.enum(["not started", "started", "done"]),
			}),
		),
		audit: z.object({ events: z.number().int().positive(), head: z.string().regex(/^[0-9a-f]{64}$/) }),
	})
	.meta({
		title: "rollout session record",
		description: "A rollout session's record, as exported by rollout.",
	});

export function reportJsonSchema(): Record<string, unknown> {
	return z.toJSONSchema(reportSchema, { unrepresentable: "any" });
}
