import { RE2JS } from "re2js";

/**
 * A checklist-supplied regular expression, matched in linear time (RE2 semantics), so no
 * pattern can make a run hang on a line of output however it is written.
 */
export interface Pattern {
	readonly source: string;
	/** True when some part of the line matches. */
	test(line: string): boolean;
	/** The named groups of the first match in the line, or undefined when it does not match. */
	groups(line: string): Record<string, string> | undefined;
}

/** Compiles a pattern; throws with `patternProblem`'s message when it cannot. */
export function compilePattern(source: string): Pattern {
	const compiled = RE2JS.compile(source);
	const names = Object.keys(compiled.namedGroups());
	return {
		source,
		test: (line) => compiled.matcher(line).find(),
		groups(line) {
			const matcher = compiled.matcher(line);
			if (!matcher.find()) return undefined;
			const groups: Record<string, string> = Object.create(null);
			for (const name of names) {
				const value = matcher.group(name);
				if (value !== null && value !== undefined) groups[name] = value;
			}
			return groups;
		},
	};
}

/** Why a pattern cannot be used, in the operator's words; undefined when it can. */
export function patternProblem(source: string): string | undefined {
	try {
		RE2JS.compile(source);
		return undefined;
	} catch (error) {
		const detail = (error as Error).message.replace(/^error parsing regexp: /, "");
		const unsupported = UNSUPPORTED.find(({ test }) => test.test(source));
		return unsupported
			? `bad regular expression: ${unsupported.feature} is not supported (patterns run in linear time, RE2 syntax): ${detail}`
			: `bad regular expression: ${detail}`;
	}
}

/** Features of JavaScript patterns that a linear-time engine leaves out, named for the message. */
const UNSUPPORTED: readonly { readonly feature: string; readonly test: RegExp }[] = [
	{ feature: "look-behind (?<= or (?<!", test: /\(\?<[=!]/ },
	{ feature: "look-ahead (?= or (?!", test: /\(\?[=!]/ },
	{ feature: "a back-reference such as \\1 or \\k<name>", test: /\\[1-9]|\\k</ },
];
