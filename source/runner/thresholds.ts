import type { Operator } from "../checklist/schema.js";

const NEGATION: Record<Operator, Operator> = {
	">": "<=",
	">=": "<",
	"<": ">=",
	"<=": ">",
	"==": "!=",
	"!=": "==",
};

/** Whether `actual op value` holds. */
export function compare(actual: number, op: Operator, value: number): boolean {
	switch (op) {
		case ">":
			return actual > value;
		case ">=":
			return actual >= value;
		case "<":
			return actual < value;
		case "<=":
			return actual <= value;
		case "==":
			return actual === value;
		case "!=":
			return actual !== value;
	}
}

/** Says why a figure missed its threshold, as the fact that holds instead: "pass_rate 92.5 < 95". */
export function describeMiss(metric: string, actual: number, op: Operator, value: number): string {
	return `${metric} ${formatNumber(actual)} ${NEGATION[op]} ${formatNumber(value)}`;
}

/** Numbers for people: at most two decimals, no trailing zeros. */
export function formatNumber(value: number): string {
	if (!Number.isFinite(value)) return String(value);
	return String(Math.round(value * 100) / 100);
}
