import { homedir } from "node:os";
import { isSecretName } from "./secret-names.js";

/** A variable value as YAML gives it. */
export type VarValue = string | number | boolean;

/** A variable as the checklist declares it under `vars:`. */
export interface VarSpec {
	readonly value: VarValue | null;
	/** Never written anywhere in clear; substituted only when a step runs. */
	readonly secret: boolean;
	/** May be empty where it is substituted into a command. */
	readonly allowEmpty: boolean;
}

/** A problem found while interpolating, positioned by data path and, where known, the text at fault. */
export interface InterpolationProblem {
	readonly path: readonly PropertyKey[];
	readonly message: string;
	/** The exact text inside the scalar the problem is about, such as `${name}`. */
	readonly needle?: string;
}

/** Resolved variables: non-secret values, and secret values kept apart. */
export interface ResolvedVars {
	readonly vars: Map<string, VarValue>;
	readonly secrets: Map<string, string>;
	readonly specs: ReadonlyMap<string, VarSpec>;
}

const REFERENCE = /\$\$\{|\$\{(raw:)?([^}]*)\}/g;
const WHOLE_REFERENCE = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** What a secret's `${name}` becomes in the checklist a session records; its value is put in only when a step runs. */
export const SECRET_REFERENCE = /\$\{secret:([A-Za-z_][A-Za-z0-9_]*)\}/g;
const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

export const secretReference = (name: string): string => `\${secret:${name}}`;

/** The environment variable a secret is read from when a session is resumed or rolled back. */
export const secretEnvName = (name: string): string => `ROLLOUT_SECRET_${name.toUpperCase()}`;

/** Quotes a value as one word for a POSIX shell; plain words stay as they are. */
export function shellWord(value: string): string {
	return SAFE_WORD.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

/** True for a value a shell reads: a string `run:` and a monitor source's string `command:`. */
export function isShellField(path: readonly PropertyKey[]): boolean {
	const last = path.at(-1);
	return last === "run" || (last === "command" && path.at(-2) === "source");
}

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
 * The variables a checklist declares, by name, in a map (so no name such as `__proto__`
 * or `toString` can be mistaken for one). A variable is a value, or a mapping
 * `{ default, secret, allowEmpty }`; a name that looks like a secret's is one.
 */
export function declaredVars(raw: unknown): Map<string, VarSpec> {
	const specs = new Map<string, VarSpec>();
	if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return specs;
	for (const [name, entry] of Object.entries(raw)) {
		const form: { default?: unknown; secret?: unknown; allowEmpty?: unknown } =
			entry !== null && typeof entry === "object" && !Array.isArray(entry) ? entry : { default: entry };
		const value = form.default;
		specs.set(name, {
			value: ["string", "number", "boolean"].includes(typeof value) ? (value as VarValue) : null,
			secret: form.secret === true || (form.secret === undefined && isSecretName(name)),
			allowEmpty: form.allowEmpty === true,
		});
	}
	return specs;
}

/**
 * Resolves the checklist's variables: defaults from `vars`, overridden by `--var` (a secret
 * also by its ROLLOUT_SECRET_<NAME> environment variable), each allowed to use the others as
 * `${name}`; `~` expands to the home directory. A secret is taken as it is and kept apart.
 */
export function resolveVars(
	specs: ReadonlyMap<string, VarSpec>,
	overrides: ReadonlyMap<string, string>,
	home = homedir(),
	env: Readonly<Record<string, string | undefined>> = process.env,
): ResolvedVars & { problems: InterpolationProblem[] } {
	const resolved = new Map<string, VarValue>();
	const secrets = new Map<string, string>();
	const problems: InterpolationProblem[] = [];
	const resolving: string[] = [];

	for (const [name, spec] of specs) {
		if (!spec.secret) continue;
		const value = overrides.get(name) ?? env[secretEnvName(name)] ?? spec.value;
		if (value !== null && value !== undefined) secrets.set(name, String(value));
	}

	const resolve = (name: string): VarValue | undefined => {
		if (resolved.has(name)) return resolved.get(name);
		const spec = specs.get(name);
		const value = overrides.get(name) ?? spec?.value;
		if (value === null || value === undefined || spec?.secret) return undefined;
		if (typeof value !== "string") {
			resolved.set(name, value);
			return value;
		}
		if (resolving.includes(name)) return undefined;
		resolving.push(name);
		const path = overrides.has(name) ? ["--var", name] : ["vars", name];
		const text = substitute(value, path, problems, (ref) => {
			if (resolving.includes(ref)) {
				problems.push({
					path,
					message: `variable cycle: ${[...resolving, ref].join(" → ")}`,
					needle: `\${${ref}}`,
				});
				return "";
			}
			if (specs.get(ref)?.secret) {
				problems.push({
					path,
					message: `\${${ref}} is a secret: use it where it is needed, not inside another variable`,
					needle: `\${${ref}}`,
				});
				return "";
			}
			return resolve(ref);
		});
		resolving.pop();
		const final = typeof text === "string" ? expandHome(text, home) : text;
		resolved.set(name, final);
		return final;
	};

	for (const name of specs.keys()) resolve(name);
	return { vars: resolved, secrets, specs, problems };
}

/**
 * Replaces `${name}` in every string below `value`; `$${` stays a literal `${`. In a shell
 * command a value is quoted as one word (`${raw:name}` splices it as it is), and an empty
 * value is refused unless the variable allows it. A secret becomes `${secret:name}`.
 */
export function interpolateTree(
	value: unknown,
	resolved: ResolvedVars,
	path: PropertyKey[],
	problems: InterpolationProblem[],
): unknown {
	if (typeof value === "string") {
		const shell = isShellField(path);
		return substitute(value, path, problems, (name) => resolved.vars.get(name), {
			shell,
			spec: (name) => resolved.specs.get(name),
		});
	}
	if (Array.isArray(value)) {
		return value.map((item, index) => interpolateTree(item, resolved, [...path, index], problems));
	}
	if (value !== null && typeof value === "object") {
		const out: Record<string, unknown> = Object.create(null);
		for (const [key, item] of Object.entries(value)) {
			out[key] = interpolateTree(item, resolved, [...path, key], problems);
		}
		return { ...out };
	}
	return value;
}

interface Context {
	readonly shell: boolean;
	readonly spec: (name: string) => VarSpec | undefined;
}

function substitute(
	text: string,
	path: readonly PropertyKey[],
	problems: InterpolationProblem[],
	lookup: (name: string) => VarValue | undefined,
	context?: Context,
): VarValue {
	const whole = WHOLE_REFERENCE.exec(text);
	if (whole?.[1] && !context?.shell && !context?.spec(whole[1])?.secret) {
		const value = lookup(whole[1]);
		if (value !== undefined) return value;
	}
	const quoted = context?.shell ? quotedRanges(text) : [];
	return text.replace(
		REFERENCE,
		(match, raw: string | undefined, name: string | undefined, offset: number) => {
			if (match === "$${") return "${";
			const needle = match;
			const fail = (message: string) => {
				problems.push({ path, message, needle });
				return match;
			};
			if (name === undefined || !NAME.test(name)) return fail(`bad variable reference ${needle}`);
			const spec = context?.spec(name);
			if (spec?.secret) {
				if (raw)
					return fail(
						`\${raw:${name}}: a secret is always substituted as one quoted word; write \${${name}}`,
					);
				if (quoted.some(([from, to]) => offset > from && offset < to)) return fail(insideQuotes(name));
				return secretReference(name);
			}
			const value = lookup(name);
			if (value === undefined) {
				return fail(
					`\${${name}} has no value: define it under vars: or pass --var ${name}=… (write $\${${name}} for a literal \${${name}})`,
				);
			}
			if (!context?.shell) return String(value);
			const string = String(value);
			if (string === "" && !spec?.allowEmpty) {
				return fail(
					`\${${name}} is empty here, and an empty value can change what a command does (rm -rf \${dir}/ becomes rm -rf /): give it a value, or declare it with allowEmpty: true`,
				);
			}
			if (raw) return string;
			if (quoted.some(([from, to]) => offset > from && offset < to)) return fail(insideQuotes(name));
			return shellWord(string);
		},
	);
}

function insideQuotes(name: string): string {
	return `\${${name}} is inside quotes: a value is quoted as one word for you, so remove the quotes around it (or write \${raw:${name}} to splice it as it is)`;
}

/** Start and end offsets of the quoted parts of a shell command, '…' and "…". */
function quotedRanges(text: string): [number, number][] {
	const ranges: [number, number][] = [];
	let open: { quote: string; at: number } | undefined;
	for (let index = 0; index < text.length; index++) {
		const char = text[index];
		if (char === "\\" && open?.quote !== "'") {
			index++;
		} else if (open === undefined && (char === "'" || char === '"')) {
			open = { quote: char, at: index };
		} else if (open !== undefined && char === open.quote) {
			ranges.push([open.at, index]);
			open = undefined;
		}
	}
	if (open) ranges.push([open.at, text.length]);
	return ranges;
}

/** A step that needs a secret no one gave. */
export class MissingSecretError extends Error {}

/**
 * Puts the secrets' values into a step just before it runs: as one quoted word in a shell
 * command, as they are anywhere else. The step the session records keeps `${secret:name}`.
 */
export function withSecrets<T>(value: T, secrets: ReadonlyMap<string, string>, path: PropertyKey[] = []): T {
	if (typeof value === "string") {
		if (!value.includes("${secret:")) return value;
		const shell = isShellField(path);
		return value.replace(SECRET_REFERENCE, (_match, name: string) => {
			const secret = secrets.get(name);
			if (secret === undefined) {
				throw new MissingSecretError(
					`needs the secret ${name}: set ${secretEnvName(name)} in the environment (or pass --var ${name}=… when starting)`,
				);
			}
			return shell ? shellWord(secret) : secret;
		}) as T;
	}
	if (Array.isArray(value))
		return value.map((item, index) => withSecrets(item, secrets, [...path, index])) as T;
	if (value !== null && typeof value === "object") {
		return Object.fromEntries(
			Object.entries(value).map(([key, item]) => [key, withSecrets(item, secrets, [...path, key])]),
		) as T;
	}
	return value;
}

/** The secrets of a recorded checklist, from their ROLLOUT_SECRET_<NAME> variables: a session never stores them. */
export function secretsFromEnvironment(
	vars: unknown,
	env: Readonly<Record<string, string | undefined>> = process.env,
): Map<string, string> {
	const secrets = new Map<string, string>();
	for (const [name, spec] of declaredVars(vars)) {
		const value = env[secretEnvName(name)];
		if (spec.secret && value !== undefined) secrets.set(name, value);
	}
	return secrets;
}
