import { parse } from "yaml";
import * as z from "zod";
import { formatKeyPath } from "../checklist/errors.js";
import { readInputFile } from "../checklist/read-file.js";
import type { Checklist } from "../checklist/schema.js";
import { placedSteps } from "../checklist/steps.js";
import { notesProblem } from "../steps/prompt/answer.js";
import { readFields } from "../steps/prompt/fields.js";
import type { Approval } from "./engine.js";

const result = z.enum(["pass", "fail", "skip"]);
const approval = z.strictObject({
	role: z.string().min(1),
	name: z.string().min(1),
	decision: z.enum(["approve", "reject"]),
	comment: z.string().optional(),
});
const answersSchema = z.strictObject({
	operator: z.string().min(1).optional(),
	answers: z.record(
		z.string(),
		z.union([
			result,
			z.strictObject({
				result,
				notes: z.string().optional(),
				values: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
			}),
			z.array(approval).min(1),
		]),
	),
});

/** A prompt's answer: pass, fail or skip, with notes and typed values by field name. */
export interface PromptAnswer {
	readonly result: "pass" | "fail" | "skip";
	readonly notes?: string;
	readonly values?: Readonly<Record<string, string | number>>;
}

/** Answers for an unattended run: prompt results and sign-off approvals, by step id. */
export interface Answers {
	readonly file: string;
	readonly operator?: string;
	prompt(stepId: string): PromptAnswer | undefined;
	approvals(stepId: string): readonly Approval[] | undefined;
	/** Step ids in the file, to check against the checklist. */
	readonly stepIds: readonly string[];
}

export class AnswersError extends Error {}

/** Answers for even the longest checklist fit in far less. */
const MAX_BYTES = 1024 * 1024;

/** Reads and checks an answers file; every problem is one line naming the file and key. */
export function loadAnswers(file: string): Answers {
	let data: unknown;
	try {
		data = parse(readInputFile(file, MAX_BYTES, "an answers file").toString("utf8"), { maxAliasCount: 100 });
	} catch (error) {
		throw new AnswersError(`${file}: ${(error as Error).message.split("\n")[0]}`);
	}
	const parsed = answersSchema.safeParse(data);
	if (!parsed.success) {
		const issue = parsed.error.issues[0];
		throw new AnswersError(
			`${file}: ${formatKeyPath(issue?.path ?? []) || "answers"}: ${issue?.message ?? "invalid"}`,
		);
	}
	const { answers, operator } = parsed.data;
	return {
		file,
		operator,
		stepIds: Object.keys(answers),
		prompt(stepId) {
			const answer = Object.hasOwn(answers, stepId) ? answers[stepId] : undefined;
			if (typeof answer === "string") return { result: answer };
			return answer && !Array.isArray(answer) ? answer : undefined;
		},
		approvals(stepId) {
			const answer = Object.hasOwn(answers, stepId) ? answers[stepId] : undefined;
			return Array.isArray(answer) ? answer : undefined;
		},
	};
}

/**
 * What an answers file gets wrong about a checklist, one line each: steps it does not have,
 * a fail or skip without notes, typed values for fields a prompt does not have or that do not
 * fit them, and missing values.
 */
export function answerProblems(answers: Answers, checklist: Checklist): string[] {
	const steps = new Map(placedSteps(checklist).map(({ step }) => [step.id, step] as const));
	const unknown = answers.stepIds.filter((stepId) => !steps.has(stepId));
	if (unknown.length > 0) return [`${answers.file}: no such step in the checklist: ${unknown.join(", ")}`];
	const problems: string[] = [];
	for (const stepId of answers.stepIds) {
		const step = steps.get(stepId);
		const answer = answers.prompt(stepId);
		if (!answer || step?.kind !== "prompt") continue;
		const unexplained = notesProblem(answer.result, answer.notes);
		if (unexplained) problems.push(`${answers.file}: answers.${stepId}: ${unexplained}`);
		if (answer.result === "skip") continue;
		if (!step.fields && answer.values)
			problems.push(`${answers.file}: answers.${stepId}.values: ${stepId} records no typed values`);
		if (!step.fields) continue;
		for (const problem of readFields(step.fields, answer.values ?? {}).problems)
			problems.push(`${answers.file}: answers.${stepId}.values: ${problem}`);
	}
	return problems;
}
