import { isSecretName } from "../checklist/secret-names.js";

/**
 * Replaces secrets in text with ***. Applied to whole lines (one or many), so a secret split
 * across output chunks is still caught.
 */
export type Masker = (line: string) => string;

/** Values shorter than this are not masked: hiding every "1" or "on" would garble all output. */
const MIN_SECRET_LENGTH = 4;

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
 * `password=…`, `token: …`, `"client_secret": "…"`: a key that names a secret, then = or :,
 * then the value, which is hidden (quoted values whole).
 */
const SECRET_PAIR =
	/(\b[\w.-]*?(?:password|passwd|passphrase|pwd|pass|token|secret|api[_-]?key|access[_-]?key|private[_-]?key|auth|credentials?|dsn)["']?\s*[:=]\s*)("[^"]*"|'[^']*'|[^\s,;&"']+)/gi;
const SECRET_PAIR_HINT = /pass|pwd|token|secret|key|auth|credential|dsn/i;

/**
 * A masker for the values of secret-looking environment variables (API_TOKEN, DB_PASS,
 * SLACK_WEBHOOK_URL, SENTRY_DSN…), for `password=…`-style pairs and for well-known token shapes.
 */
export function createMasker(env: Readonly<Record<string, string | undefined>> = process.env): Masker {
	const values = Object.entries(env)
		.filter(([name, value]) => isSecretName(name) && value !== undefined)
		.map(([, value]) => value as string);
	return valueMasker(values, (line) => {
		let out = line;
		for (const { hint, pattern, replacement } of PATTERNS) {
			if (out.includes(hint)) out = out.replace(pattern, replacement);
		}
		if (SECRET_PAIR_HINT.test(out)) out = out.replace(SECRET_PAIR, maskPair);
		return out;
	});
}

/** A masker that also hides these exact values (the checklist's secrets), before anything else. */
export function extendMasker(mask: Masker, secrets: readonly string[]): Masker {
	return secrets.length === 0 ? mask : valueMasker(secrets, mask);
}

function valueMasker(secrets: readonly string[], then: Masker): Masker {
	const values = [...new Set(secrets)]
		.filter((value) => value.length >= MIN_SECRET_LENGTH)
		.sort((a, b) => b.length - a.length);
	return (line) => {
		let out = line;
		for (const value of values) if (out.includes(value)) out = out.split(value).join("***");
		return then(out);
	};
}

function maskPair(_match: string, key: string, value: string): string {
	// A secret's reference in the recorded checklist is what lets it run later: never hide it.
	if (value.includes("***") || value.includes("${secret:")) return `${key}${value}`;
	const quote = value[0] === '"' || value[0] === "'" ? value[0] : "";
	return `${key}${quote}***${quote}`;
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
