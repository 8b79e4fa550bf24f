import dotenv from "dotenv";
import { type EditResult, type FlagValue, type Located, lineEnding, type Previous, splice } from "./edit.js";

/**
 * npm dotenv's own line grammar (lib/main.js `LINE`), with group indices: it tells where
 * each assignment's value sits. The value itself is always read by dotenv's `parse`.
 */
const LINE =
	/(?:^|^)\s*(?:export\s+)?([\w.-]+)(?:\s*=\s*?|:\s+?)(\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"|\s*`(?:\\`|[^`])*`|[^#\r\n]+)?\s*(?:#.*)?(?:$|$)/dgm;
const KEY = /^[\w.-]+$/;
/** python-dotenv expands `${NAME}` and `${NAME:-default}` in every quoting style. */
const EXPANSION = /\$\{[^}:]*(?::-[^}]*)?\}/;

interface Assignment {
	readonly value: string;
	/** The value's text, quotes included, without surrounding blanks. */
	readonly start: number;
	readonly end: number;
	/** Where the key's line starts (after blank lines the match may have taken). */
	readonly lineStart: number;
}

/** The last assignment of `key`, as dotenv reads the file (the last one wins there too). */
function find(text: string, key: string): Assignment | undefined {
	let found: Assignment | undefined;
	LINE.lastIndex = 0;
	for (let match = LINE.exec(text); match; match = LINE.exec(text)) {
		if (match[0] === "") {
			LINE.lastIndex++;
			continue;
		}
		if (match[1] !== key) continue;
		const keyAt = match.indices?.[1]?.[0] ?? match.index;
		const afterKey = match.indices?.[1]?.[1] ?? keyAt;
		const [from, to] = match.indices?.[2] ?? [afterKey, afterKey];
		const raw = text.slice(from, to);
		// An empty value (`KEY= # note`) sits right after the separator.
		const start = raw.trim() === "" ? from : from + (raw.length - raw.trimStart().length);
		const end = raw.trim() === "" ? from : to - (raw.length - raw.trimEnd().length);
		const separator = /^\s*=\s*?|^:\s+?/.exec(text.slice(afterKey))?.[0] ?? "";
		const valueAt = match.indices?.[2] ? start : afterKey + separator.length;
		found = {
			value: dotenv.parse(match[0])[key] ?? "",
			start: valueAt,
			end: match.indices?.[2] ? end : valueAt,
			lineStart: text.lastIndexOf("\n", keyAt - 1) + 1,
		};
	}
	return found;
}

/** Reads a key's value as npm dotenv does; refuses a file whose reading this cannot place. */
export function locateEnv(text: string, path: readonly string[]): Located {
	if (path.length !== 1) return { ok: false, reason: "an env file has no nested keys: use a plain KEY" };
	const key = path[0] ?? "";
	const found = find(text, key);
	const reference = dotenv.parse(text)[key];
	if (found?.value !== reference)
		return { ok: false, reason: `cannot tell where ${key} is set in this file; edit it by hand` };
	return found
		? { ok: true, present: true, value: found.value, start: found.start }
		: { ok: true, present: false };
}

/**
 * Changes one KEY=value of an env file. The value is read by npm dotenv and written in the
 * quoting that npm dotenv and python-dotenv both read back exactly; every other byte,
 * `export`, comments and the line ending included, stays.
 */
export function editEnv(
	text: string,
	path: readonly string[],
	value: FlagValue,
	create: boolean,
): EditResult {
	const located = locateEnv(text, path);
	if (!located.ok) return located;
	const key = path[0] ?? "";
	const wanted = value === null ? "" : String(value);
	const found = find(text, key);
	if (located.present && found) {
		const previous = { present: true, value: located.value } as const;
		if (located.value === wanted) return { ok: true, text, previous, noop: true };
		const quote = /^['"]/.exec(text.slice(found.start, found.end))?.[0];
		// python-dotenv reads a comment after a bare empty value (`KEY= # note`) as the value.
		const commentAfter = /^[ \t]*#/.test(text.slice(found.end));
		const written =
			wanted === "" && commentAfter
				? { ok: true as const, text: `${quote ?? '"'}${quote ?? '"'}` }
				: envValueText(wanted, quote);
		if (!written.ok) return written;
		// A comment right after the value would otherwise join an unquoted value for python-dotenv.
		const after = text[found.end] === "#" ? " " : "";
		const edited = splice(text, found.start, found.end, `${written.text}${after}`, found.start, { path });
		return verified(text, edited, key, wanted, previous);
	}
	if (!create) return { ok: false, reason: `${key} is not in the file (set create: true to add it)` };
	if (!KEY.test(key)) return { ok: false, reason: `${JSON.stringify(key)} cannot be a key in an env file` };
	const written = envValueText(wanted);
	if (!written.ok) return written;
	const eol = lineEnding(text);
	// A file without a final line break keeps that shape: the new line goes last, unterminated.
	const open = text !== "" && !text.endsWith("\n");
	const line = open ? `${eol}${key}=${written.text}` : `${key}=${written.text}${eol}`;
	const valueAt = text.length + line.indexOf("=") + 1;
	const edited = splice(text, text.length, text.length, line, valueAt, { path });
	return verified(text, edited, key, wanted, { present: false });
}

function verified(
	before: string,
	edited: { text: string; splice: NonNullable<Previous["splice"]> },
	key: string,
	wanted: string,
	previous: Previous,
): EditResult {
	const expected = { ...dotenv.parse(before), [key]: wanted };
	const reread = dotenv.parse(edited.text);
	const keys = new Set([...Object.keys(expected), ...Object.keys(reread)]);
	if ([...keys].some((name) => reread[name] !== expected[name]))
		return { ok: false, reason: `could not change ${key} without changing anything else; edit it by hand` };
	return { ok: true, text: edited.text, previous: { ...previous, splice: edited.splice }, noop: false };
}

/**
 * A value as npm dotenv and python-dotenv both read it back: in the quoting the old value
 * used when that carries it, else bare when it can be, else in single quotes (no escapes in
 * either reader), else in double quotes (`\n` read as a line break by both). A value no style
 * carries is refused with the reason.
 */
export function envValueText(
	value: string,
	prefer = "",
): { ok: true; text: string } | { ok: false; reason: string } {
	if (EXPANSION.test(value))
		return {
			ok: false,
			reason: `${JSON.stringify(value)}: python-dotenv would expand \${…} in it, in any quoting`,
		};
	if (/[\u2028\u2029\u0085]/.test(value))
		return {
			ok: false,
			reason: `${JSON.stringify(value)}: a Unicode line separator cannot be kept in an env file`,
		};
	const styles = {
		"": value === "" || (!/[#\r\n\t\v\f]/.test(value) && value.trim() === value && !/^['"`]/.test(value)),
		"'": !/['\r\n]/.test(value) && !/\\(?=[\\']|$)/.test(value),
		'"': !/["\\]/.test(value),
	};
	const order = [prefer, "", "'", '"'].filter((style): style is keyof typeof styles => style in styles);
	const style = order.find((candidate) => styles[candidate]);
	if (style === undefined)
		return {
			ok: false,
			reason: `${JSON.stringify(value)} cannot be written so that both npm dotenv and python-dotenv read it back; set it by hand`,
		};
	const body = style === '"' ? value.replace(/\r/g, "\\r").replace(/\n/g, "\\n") : value;
	return { ok: true, text: `${style}${body}${style}` };
}

/** Removes a KEY=value line; the inverse of creating it. */
export function removeEnv(text: string, path: readonly string[]): EditResult {
	const located = locateEnv(text, path);
	if (!located.ok) return located;
	const found = find(text, path[0] ?? "");
	if (!located.present || !found) return { ok: true, text, previous: { present: false }, noop: true };
	const lineEnd = text.indexOf("\n", found.end);
	const end = lineEnd < 0 ? text.length : lineEnd + 1;
	// The last line without a break: take the break before it, so the file ends as it did.
	const start =
		lineEnd < 0 && found.lineStart > 0
			? found.lineStart - (text[found.lineStart - 2] === "\r" ? 2 : 1)
			: found.lineStart;
	const edited = splice(text, start, end, "", found.start, { path });
	return {
		ok: true,
		text: edited.text,
		previous: { present: true, value: located.value, splice: edited.splice },
		noop: false,
	};
}
