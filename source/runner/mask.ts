/**
 * Replaces secrets in text with ***. Applied to whole lines (one or many), so a secret split
 * across output chunks is still caught.
 */
export type Masker = (line: string) => string;

const SECRET_NAME = /KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|AUTH/i;

/** Each pattern with a literal that must be present for it to match: a cheap test that skips most text. */
const PATTERNS: readonly { readonly hint: string; readonly pattern: RegExp; readonly replacement: string }[] =
	[
		{ hint: "AKIA", pattern: /\bAKIA[0-9A-Z]{16}\b/g, replacement: "***" },
		{ hint: "_", pattern: /\bgh[pousr]_[A-Za-z0-9]{20,}\b/g, replacement: "***" },
		{ hint: "github_pat_", pattern: /\bgithub_pat_[A-Za-z0-9_]{20,}\b/g, replacement: "***" },
		{ hint: "glpat-", pattern: /\bglpat-[A-Za-z0-9_-]{20,}\b/g, replacement: "***" },
		{ hint: "xox", pattern: /\bxox[baprs]-[A-Za-z0-9-]{10,}\b/g, replacement: "***" },
		{
			hint: "eyJ",
			pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b/g,
			replacement: "***",
		},
		{
			hint: "PRIVATE KEY",
			pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g,
			replacement: "***",
		},
		// Keep the label, hide the value.
		{ hint: "uthorization", pattern: /(\bAuthorization:\s*)(\S+(\s+\S+)?)/gi, replacement: "$1***" },
		{ hint: "://", pattern: /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)([^\s@/]+)(@)/gi, replacement: "$1***$3" },
	];

/**
 * A masker for the values of secret-looking environment variables (names containing
 * KEY, TOKEN, SECRET, PASSWORD, CREDENTIAL or AUTH) and for well-known token shapes.
 */
export function createMasker(env: Readonly<Record<string, string | undefined>> = process.env): Masker {
	const values = Object.entries(env)
		.filter(([name, value]) => SECRET_NAME.test(name) && value !== undefined && value.length >= 4)
		.map(([, value]) => value as string)
		.sort((a, b) => b.length - a.length);
	return (line) => {
		let out = line;
		for (const value of values) if (out.includes(value)) out = out.split(value).join("***");
		for (const { hint, pattern, replacement } of PATTERNS) {
			if (out.includes(hint)) out = out.replace(pattern, replacement);
		}
		return out;
	};
}

/** Masks every string inside a value (for events and reports). */
export function maskDeep<T>(value: T, mask: Masker): T {
	if (typeof value === "string") return mask(value) as T;
	if (Array.isArray(value)) return value.map((item) => maskDeep(item, mask)) as T;
	if (value !== null && typeof value === "object") {
		return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, maskDeep(item, mask)])) as T;
	}
	return value;
}
