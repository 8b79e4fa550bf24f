import { type EditResult, type FlagValue, lineEnding } from "./edit.js";

const ASSIGNMENT = /^(\s*(?:export\s+)?)([A-Za-z_][A-Za-z0-9_.]*)(\s*=\s*)(.*?)([ \t]*)(\r?)$/;

/** Changes one KEY=value line of an env file, keeping its quoting, `export` and line ending. */
export function editEnv(
	text: string,
	path: readonly string[],
	value: FlagValue,
	create: boolean,
): EditResult {
	if (path.length !== 1) return { ok: false, reason: "an env file has no nested keys: use a plain KEY" };
	const key = path[0] ?? "";
	const wanted = value === null ? "" : String(value);
	const lines = text.split("\n");
	let found = -1;
	for (const [index, line] of lines.entries()) if (ASSIGNMENT.exec(line)?.[2] === key) found = index;
	if (found < 0) {
		if (!create) return { ok: false, reason: `${key} is not in the file (set create: true to add it)` };
		const eol = lineEnding(text);
		const separator = text === "" || text.endsWith("\n") ? "" : eol;
		return {
			ok: true,
			text: `${text}${separator}${key}=${quoteIfNeeded(wanted)}${eol}`,
			previous: { present: false },
			noop: false,
		};
	}
	const [, lead = "", name = "", equals = "", raw = "", trailing = "", cr = ""] =
		ASSIGNMENT.exec(lines[found] ?? "") ?? [];
	const quote = raw.length >= 2 && (raw[0] === '"' || raw[0] === "'") && raw.at(-1) === raw[0] ? raw[0] : "";
	const current = quote ? raw.slice(1, -1) : raw.replace(/\s+#.*$/, "");
	if (current === wanted) return { ok: true, text, previous: { present: true, value: current }, noop: true };
	const written = quote ? `${quote}${wanted}${quote}` : quoteIfNeeded(wanted);
	const comment = quote ? "" : (/\s+#.*$/.exec(raw)?.[0] ?? "");
	lines[found] = `${lead}${name}${equals}${written}${comment}${trailing}${cr}`;
	return { ok: true, text: lines.join("\n"), previous: { present: true, value: current }, noop: false };
}

function quoteIfNeeded(value: string): string {
	return /^[\w@%+=:,./-]*$/.test(value) ? value : JSON.stringify(value);
}

/** Removes a KEY=value line; the inverse of creating it. */
export function removeEnv(text: string, path: readonly string[]): EditResult {
	const key = path[0] ?? "";
	const lines = text.split("\n");
	const index = lines.findLastIndex((line) => ASSIGNMENT.exec(line)?.[2] === key);
	if (index < 0) return { ok: true, text, previous: { present: false }, noop: true };
	const raw = ASSIGNMENT.exec(lines[index] ?? "")?.[4] ?? "";
	lines.splice(index, 1);
	return {
		ok: true,
		text: lines.join("\n"),
		previous: { present: true, value: raw.replace(/^(["'])(.*)\1$/, "$2") },
		noop: false,
	};
}
