import { homedir } from "node:os";

/** A variable value as YAML gives it. */
export type VarValue = string | number | boolean;

/** A problem found while interpolating, positioned by data path and, where known, the text at fault. */
export interface InterpolationProblem {
	readonly path: readonly PropertyKey[];
	readonly message: string;
	/** The exact text inside the scalar the problem is about, such as `${name}`. */
	readonly needle?: string;
}

const REFERENCE = /\$\$\{|\$\{([^}]*)\}/g;
const WHOLE_REFERENCE = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `~` or `~/…` at the start of a value means the home directory. */
export function expandHome(value: string, home = homedir()): string {
	if (value === "~") return home;
	return value.startsWith("~/") ? `${home}${value.slice(1)}` : value;
}

/** A variable is truthy unless it is empty, false, 0, no or off (any case). */
export function isTruthy(value: VarValue | undefined): boolean {
	if (value === undefined) return false;
	return !["", "false", "0", "no", "off"].includes(String(value).trim().toLowerCase());
}

/**
 * Resolves the checklist's variables: defaults from `vars`, overridden by `--var`,
 * each allowed to use the others as `${name}`; `~` expands to the home directory.
 */
export function resolveVars(
	defaults: Readonly<Record<string, VarValue | null>>,
	overrides: Readonly<Record<string, string>>,
	home = homedir(),
): { vars: Record<string, VarValue>; problems: InterpolationProblem[] } {
	const raw: Record<string, VarValue | null> = { ...defaults, ...overrides };
	const resolved: Record<string, VarValue> = {};
	const problems: InterpolationProblem[] = [];
	const resolving: string[] = [];

	const resolve = (name: string): VarValue | undefined => {
		if (name in resolved) return resolved[name];
		const value = raw[name];
		if (value === null || value === undefined) return undefined;
		if (typeof value !== "string") {
			resolved[name] = value;
			return value;
		}
		if (resolving.includes(name)) return undefined;
		resolving.push(name);
		const path = name in overrides ? ["--var", name] : ["vars", name];
		const text = substitute(value, path, problems, (ref) => {
			if (resolving.includes(ref)) {
				problems.push({
					path,
					message: `variable cycle: ${[...resolving, ref].join(" → ")}`,
					needle: `\${${ref}}`,
				});
				return "";
			}
			return resolve(ref);
		});
		resolving.pop();
		resolved[name] = typeof text === "string" ? expandHome(text, home) : text;
		return resolved[name];
	};

	for (const name of Object.keys(raw)) resolve(name);
	return { vars: resolved, problems };
}

/** Replaces `${name}` in every string below `value`; `$${` stays a literal `${`. */
export function interpolateTree(
	value: unknown,
	vars: Readonly<Record<string, VarValue>>,
	path: PropertyKey[],
	problems: InterpolationProblem[],
): unknown {
	if (typeof value === "string") return substitute(value, path, problems, (name) => vars[name]);
	if (Array.isArray(value)) {
		return value.map((item, index) => interpolateTree(item, vars, [...path, index], problems));
	}
	if (value !== null && typeof value === "object") {
		return Object.fromEntries(
			Object.entries(value).map(([key, item]) => [
				key,
				interpolateTree(item, vars, [...path, key], problems),
			]),
		);
	}
	return value;
}

function substitute(
	text: string,
	path: readonly PropertyKey[],
	problems: InterpolationProblem[],
	lookup: (name: string) => VarValue | undefined,
): VarValue {
	const whole = WHOLE_REFERENCE.exec(text);
	if (whole?.[1]) {
		const value = lookup(whole[1]);
		if (value !== undefined) return value;
	}
	return text.replace(REFERENCE, (match, name: string | undefined) => {
		if (match === "$${") return "${";
		const needle = match;
		if (name === undefined || !NAME.test(name)) {
			problems.push({
				path,
				message: `bad variable reference ${needle}`,
				needle,
			});
			return match;
		}
		const value = lookup(name);
		if (value === undefined) {
			problems.push({
				path,
				message: `\${${name}} has no value: define it under vars: or pass --var ${name}=… (write $\${${name}} for a literal \${${name}})`,
				needle,
			});
			return match;
		}
		return String(value);
	});
}
