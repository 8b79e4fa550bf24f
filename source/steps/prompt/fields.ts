/**
 * Typed answers of a prompt: a number with its unit judged against a threshold, a choice among
 * listed values, or a name or other text. Read from the wizard or an answers file, recorded as
 * the prompt's evidence and figures.
 */
import type { Condition, Field } from "../../checklist/schema.js";
import { compare, formatNumber } from "../../runner/thresholds.js";

/** One typed answer as recorded. */
export interface FieldValue {
	readonly name: string;
	readonly label: string;
	readonly type: Field["type"];
	readonly value: number | string;
	readonly unit?: string;
	/** A number's threshold, as written. */
	readonly expect?: Condition;
	/** The choices that pass, when only some do. */
	readonly pass?: readonly string[];
	/** Whether the value meets its threshold or is a passing choice; absent when nothing judges it. */
	readonly ok?: boolean;
}

/** What a field asks: its label, its unit and threshold or its choices. */
export function fieldLabel(field: Field): string {
	return field.label ?? field.name;
}

/** The prompt beside the input: "Actual (ms, expected < 50)". */
export function fieldPrompt(field: Field): string {
	const hints = [
		field.unit,
		field.expect &&
			`expected ${field.expect.op} ${formatNumber(field.expect.value)}${unitSuffix(field.unit)}`,
		field.optional && "optional",
	].filter(Boolean);
	return hints.length > 0 ? `${fieldLabel(field)} (${hints.join(", ")})` : fieldLabel(field);
}

/**
 * One field's value from what was typed or written in an answers file; a string saying what is
 * wrong otherwise. Undefined (with no problem) when an optional field is left empty.
 */
export function readField(field: Field, raw: unknown): { value?: FieldValue; problem?: string } {
	const label = fieldLabel(field);
	const text = typeof raw === "number" ? String(raw) : typeof raw === "string" ? raw.trim() : undefined;
	if (raw !== undefined && raw !== null && text === undefined)
		return {
			problem: `${label}: expected ${field.type === "number" ? "a number" : "text"}, found ${typeof raw}`,
		};
	if (!text) return field.optional ? {} : { problem: `${label} needs a value` };
	const base = { name: field.name, label, type: field.type };
	if (field.type === "number") {
		// "42 ms" and "42ms" are read as 42 when the unit is ms.
		const bare = field.unit && text.endsWith(field.unit) ? text.slice(0, -field.unit.length).trim() : text;
		const number = bare === "" ? Number.NaN : Number(bare);
		if (!Number.isFinite(number)) return { problem: `${label}: ${JSON.stringify(text)} is not a number` };
		const ok = field.expect ? compare(number, field.expect.op, field.expect.value) : undefined;
		return { value: { ...base, value: number, unit: field.unit, expect: field.expect, ok } };
	}
	if (field.type === "choice") {
		const choices = field.choices ?? [];
		const choice = choices.find((item) => item.toLowerCase() === text.toLowerCase());
		if (choice === undefined)
			return { problem: `${label}: ${JSON.stringify(text)} is not one of ${choices.join(", ")}` };
		const ok = field.pass ? field.pass.includes(choice) : undefined;
		return { value: { ...base, value: choice, pass: field.pass, ok } };
	}
	return { value: { ...base, value: text } };
}

/** Every field's value from a mapping of answers by field name; names no field knows are problems. */
export function readFields(
	fields: readonly Field[],
	raw: Readonly<Record<string, unknown>>,
): { values: FieldValue[]; problems: string[] } {
	const values: FieldValue[] = [];
	const problems: string[] = [];
	const names = fields.map((field) => field.name);
	for (const name of Object.keys(raw))
		if (!names.includes(name))
			problems.push(`no field "${name}" (the fields: ${names.join(", ") || "none"})`);
	for (const field of fields) {
		const { value, problem } = readField(field, Object.hasOwn(raw, field.name) ? raw[field.name] : undefined);
		if (problem) problems.push(problem);
		if (value) values.push(value);
	}
	return { values, problems };
}

/** Why the values fail the step: each number outside its threshold, each choice that does not pass. */
export function misses(values: readonly FieldValue[]): string[] {
	return values.filter((value) => value.ok === false).map(describeMiss);
}

function describeMiss(value: FieldValue): string {
	if (value.type === "choice") return `${value.label} is ${value.value} (passes: ${value.pass?.join(", ")})`;
	const expect = value.expect;
	return `${value.label} ${show(value)}, expected ${expect?.op} ${formatNumber(expect?.value ?? 0)}${unitSuffix(value.unit)}`;
}

/** One line for the record: "Actual: 42 ms (expected < 50 ms) ✓", "Technical risk: MEDIUM". */
export function describeValue(value: FieldValue): string {
	const judged = value.ok === undefined ? "" : value.ok ? " ✓" : " ✗";
	if (value.type === "number" && value.expect)
		return `${value.label}: ${show(value)} (expected ${value.expect.op} ${formatNumber(value.expect.value)}${unitSuffix(value.unit)})${judged}`;
	if (value.type === "choice" && value.pass)
		return `${value.label}: ${value.value} (passes: ${value.pass.join(", ")})${judged}`;
	return `${value.label}: ${show(value)}`;
}

function show(value: FieldValue): string {
	return typeof value.value === "number"
		? `${formatNumber(value.value)}${unitSuffix(value.unit)}`
		: value.value;
}

function unitSuffix(unit: string | undefined): string {
	if (!unit) return "";
	return unit === "%" ? " %" : ` ${unit}`;
}
