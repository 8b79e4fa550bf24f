/** A flag's value as it can be written in a file. */
export type FlagValue = string | number | boolean | null;

/** What a file said before the edit: a value, or nothing at that key. */
export type Previous = { readonly present: true; readonly value: unknown } | { readonly present: false };

/** The result of editing exactly one value in a file's text. */
export type EditResult =
	| { readonly ok: true; readonly text: string; readonly previous: Previous; readonly noop: boolean }
	| { readonly ok: false; readonly reason: string };

/** The line ending a file uses, so inserted lines match it. */
export function lineEnding(text: string): string {
	return text.includes("\r\n") ? "\r\n" : "\n";
}

export function sameValue(a: unknown, b: unknown): boolean {
	return a === b || (typeof a === "number" && typeof b === "number" && Number.isNaN(a) && Number.isNaN(b));
}
