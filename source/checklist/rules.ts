import { FLAG_FORMATS } from "./flag-format.js";
import { monitorRules } from "./monitor-rules.js";
import { stepLists } from "./steps.js";

/** A rule the schema alone cannot hold, broken at a data path. */
export interface RuleProblem {
	readonly path: readonly (string | number)[];
	readonly message: string;
	/** Point at the key itself rather than its value. */
	readonly atKey?: boolean;
	/** For a duplicate: where the first one is; the message then ends with its line. */
	readonly first?: readonly (string | number)[];
}

type Raw = Record<string, unknown>;

/**
 * The checklist rules that span more than one value: unique ids, `when` naming a
 * variable, a decision step where decision rules or a sign-off need one, optional
 * backup paths that are among the paths, a flag file whose format is known.
 * Works on raw data so it can report alongside schema errors.
 */
export function checkRules(data: Raw, vars: ReadonlyMap<string, unknown>): RuleProblem[] {
	const problems: RuleProblem[] = [];
	const seen = new Map<string, (string | number)[]>();
	const unique = (kind: string, id: unknown, path: (string | number)[]) => {
		if (typeof id !== "string") return;
		const first = seen.get(`${kind}:${id}`);
		if (first) problems.push({ path, first, message: `duplicate ${kind} id "${id}"` });
		else seen.set(`${kind}:${id}`, path);
	};
	for (const [index, phase] of asRecords(data.phases).entries())
		unique("phase", phase.id, ["phases", index, "id"]);
	for (const [index, followup] of asRecords(data.followups).entries())
		unique("follow-up", followup.id, ["followups", index, "id"]);

	let decisionSeen = false;
	// Steps walked before the current one: a `when:` may only look back at them.
	const walked = new Set<string>();
	const earlier = new Map<string, Raw>();
	for (const list of stepLists(data)) {
		for (const [index, step] of asRecords(list.steps).entries()) {
			const path = [...list.path, index];
			unique("step", step.id, [...path, "id"]);
			if (typeof step.when === "string" && !vars.has(step.when)) {
				problems.push({
					path: [...path, "when"],
					message: `"${step.when}" is not a variable: define it under vars:`,
				});
			}
			const outcomeProblem = whenProblem(step.when, list.section.type, walked, decisionSeen);
			if (outcomeProblem)
				problems.push({ path: [...path, "when", ...outcomeProblem.at], message: outcomeProblem.message });
			if (list.section.type === "phase" || list.section.type === "followup")
				if (typeof step.id === "string") walked.add(step.id);
			if (step.kind === "decision" && list.section.type === "phase") decisionSeen = true;
			if (step.kind === "signoff" && list.section.type === "phase" && !decisionSeen) {
				problems.push({
					path: [...path, "kind"],
					message: "a signoff step approves a decision: put a decision step before it",
				});
			}
			problems.push(...stepRules(step, path));
			if (step.kind === "monitor") problems.push(...monitorRules(step, path, earlier));
			if (typeof step.id === "string") earlier.set(step.id, step);
		}
	}
	if (data.decision !== undefined && !decisionSeen) {
		problems.push({
			path: ["decision"],
			atKey: true,
			message: "decision rules are set but no phase has a decision step (kind: decision)",
		});
	}
	return problems;
}

/** Why a `when:` on an earlier outcome cannot hold where it is written, with the key it is about. */
function whenProblem(
	when: unknown,
	section: string,
	walked: ReadonlySet<string>,
	decisionSeen: boolean,
): { at: string[]; message: string } | undefined {
	if (when === null || typeof when !== "object" || Array.isArray(when)) return undefined;
	const condition = when as Raw;
	if (section !== "phase" && section !== "followup")
		return {
			at: [],
			message: "a rollback step runs whatever the outcome: when: on an outcome is for phases and follow-ups",
		};
	if (condition.decision !== undefined && !decisionSeen)
		return {
			at: ["decision"],
			message: "no decision step comes before this step: put one in an earlier phase or earlier in this one",
		};
	if (typeof condition.step === "string" && !walked.has(condition.step))
		return {
			at: ["step"],
			message: `"${condition.step}" is not a step walked before this one: when: looks back at earlier steps only`,
		};
	return undefined;
}

function stepRules(step: Raw, path: (string | number)[]): RuleProblem[] {
	const problems: RuleProblem[] = [];
	if (step.kind === "prompt" && Array.isArray(step.fields)) {
		const names = new Map<unknown, number>();
		for (const [index, field] of asRecords(step.fields).entries()) {
			const first = names.get(field.name);
			if (first !== undefined)
				problems.push({
					path: [...path, "fields", index, "name"],
					first: [...path, "fields", first, "name"],
					message: `duplicate field name "${String(field.name)}"`,
				});
			else names.set(field.name, index);
		}
	}
	if (step.kind === "backup" && Array.isArray(step.optional) && Array.isArray(step.paths)) {
		for (const [index, optional] of step.optional.entries()) {
			if (!step.paths.includes(optional)) {
				problems.push({
					path: [...path, "optional", index],
					message: `${JSON.stringify(optional)} is not among paths: list it there too`,
				});
			}
		}
	}
	if (step.kind === "flag" && step.format === undefined && typeof step.file === "string") {
		const extension = /\.[^./]*$/.exec(step.file)?.[0]?.toLowerCase() ?? "";
		if (!FLAG_FORMATS[extension]) {
			problems.push({
				path: [...path, "file"],
				message: "cannot tell the file's format from its name: add format: yaml, json or env",
			});
		}
	}
	if (step.kind === "monitor") {
		const levels = levelProblem(step.warn, step.critical);
		if (levels) problems.push({ path: [...path, "warn"], message: levels });
	}
	if (step.kind === "monitor" && step.onCritical !== undefined && step.critical === undefined) {
		problems.push({
			path: [...path, "onCritical"],
			atKey: true,
			message: 'onCritical needs a critical level, such as critical: "> 1"',
		});
	}
	return problems;
}

const LEVEL = /^\s*(>=|<=|==|!=|>|<)\s*(-?\d+(?:\.\d+)?)\s*$/;

/**
 * A warning must come before the critical level it warns of: for `>` levels the warn value
 * is the lower one, for `<` levels the higher one, and both must point the same way.
 */
function levelProblem(warn: unknown, critical: unknown): string | undefined {
	const w = typeof warn === "string" ? LEVEL.exec(warn) : null;
	const c = typeof critical === "string" ? LEVEL.exec(critical) : null;
	if (!w?.[1] || !c?.[1]) return undefined;
	const direction = (op: string) => (op.startsWith(">") ? 1 : op.startsWith("<") ? -1 : 0);
	const [wd, cd] = [direction(w[1]), direction(c[1])];
	if (wd === 0 || cd === 0) return undefined;
	if (wd !== cd)
		return `warn "${warn}" and critical "${critical}" point in opposite directions: use > for both or < for both`;
	const [wv, cv] = [Number(w[2]), Number(c[2])];
	if (wd > 0 && wv > cv)
		return `warn "${warn}" is above critical "${critical}": a reading would be critical before it warns (warn must be at most ${cv})`;
	if (wd < 0 && wv < cv)
		return `warn "${warn}" is below critical "${critical}": a reading would be critical before it warns (warn must be at least ${cv})`;
	return undefined;
}

function asRecords(value: unknown): Raw[] {
	return Array.isArray(value)
		? value.filter((item): item is Raw => item !== null && typeof item === "object")
		: [];
}
