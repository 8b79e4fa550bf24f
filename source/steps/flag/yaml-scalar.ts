import { parseDocument } from "yaml";
import type { FlagValue } from "./edit.js";

/**
 * Plain (unquoted) only for text no YAML 1.2 or 1.1 reader can take for anything else:
 * it starts with a letter, `_` or `/` (never an indicator such as `@ % * & ! | > # ' " [ {`,
 * nor a digit or sign that a number, date or sexagesimal could start with) and holds no
 * `,` `[` `]` `{` `}` `#`, tab or line break.
 */
const PLAIN = /^[A-Za-z_/][A-Za-z0-9_ ./:@+=-]*$/;
const PLAIN_FLOW = /^[A-Za-z_/][A-Za-z0-9_ ./@+=-]*$/;
/** Words YAML 1.1 reads as booleans or null, in any case (PyYAML: yes/no/on/off; the spec: y/n too). */
const RESERVED = /^(?:y|n|yes|no|on|off|true|false|null)$/i;

/** A value as YAML text that every reader reads back as exactly that value, or why none can. */
export function scalarText(
	value: FlagValue,
	flow: boolean,
): { ok: true; text: string } | { ok: false; reason: string } {
	if (value === null) return { ok: true, text: "null" };
	if (typeof value === "boolean") return { ok: true, text: String(value) };
	if (typeof value === "number") return { ok: true, text: numberText(value) };
	if (/[\ud800-\udfff]/.test(value.replace(/[\ud800-\udbff][\udc00-\udfff]/g, "")))
		return { ok: false, reason: `${JSON.stringify(value)} is not valid text` };
	const plain =
		(flow ? PLAIN_FLOW : PLAIN).test(value) &&
		!RESERVED.test(value) &&
		!/: | #|:$| $/.test(value) &&
		readsBack(value, value);
	if (plain) return { ok: true, text: value };
	const quoted = doubleQuoted(value);
	if (!readsBack(quoted, value))
		return {
			ok: false,
			reason: `${JSON.stringify(value)} cannot be written as YAML that reads back the same`,
		};
	return { ok: true, text: quoted };
}

/** Numbers as both readers read them: `.inf`/`.nan`, and an exponent always with a `.` (PyYAML needs one). */
function numberText(value: number): string {
	if (Number.isNaN(value)) return ".nan";
	if (!Number.isFinite(value)) return value > 0 ? ".inf" : "-.inf";
	const text = String(value);
	return /e/.test(text) && !text.includes(".") ? text.replace("e", ".0e") : text;
}

/**
 * Double-quoted YAML: escapes what a reader would fold, drop or refuse inside quotes —
 * controls, DEL, C1 (NEL is a line break in YAML 1.1), U+2028/2029 and the BOM.
 */
function doubleQuoted(value: string): string {
	let text = '"';
	for (const char of value) {
		const code = char.codePointAt(0) ?? 0;
		if (char === '"' || char === "\\") text += `\\${char}`;
		else if (char === "\n") text += "\\n";
		else if (char === "\t") text += "\\t";
		else if (char === "\r") text += "\\r";
		else if (
			code < 0x20 ||
			(code >= 0x7f && code <= 0x9f) ||
			code === 0x2028 ||
			code === 0x2029 ||
			code === 0xfeff
		)
			text += `\\u${code.toString(16).padStart(4, "0")}`;
		else text += char;
	}
	return `${text}"`;
}

function readsBack(text: string, value: string): boolean {
	return (["1.2", "1.1"] as const).every((version) => {
		const doc = parseDocument(`v: ${text}\n`, { version });
		return doc.errors.length === 0 && (doc.toJS() as { v?: unknown } | null)?.v === value;
	});
}
