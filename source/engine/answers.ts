import { parse } from "yaml";
import * as z from "zod";
import { formatKeyPath } from "../checklist/errors.js";
import { readInputFile } from "../checklist/read-file.js";
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
		z.union([result, z.strictObject({ result, notes: z.string().optional() }), z.array(approval).min(1)]),
	),
});

/** Answers for an unattended run: prompt results and sign-off approvals, by step id. */
export interface Answers {
	readonly file: string;
	readonly operator?: string;
	prompt(stepId: string): { result: "pass" | "fail" | "skip"; notes?: string } | undefined;
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
