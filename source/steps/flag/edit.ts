/** A flag's value as it can be written in a file. */
export type FlagValue = string | number | boolean | null;

/**
 * The exact bytes an edit replaced, and where: enough to put the file back byte for byte.
 * `lead` is how far before the value's start (in the edited file) the replaced text begins.
 */
export interface Splice {
	readonly path: readonly string[];
	readonly document?: number;
	readonly lead: number;
	readonly deleted: string;
	readonly inserted: string;
}

/** What a file said before the edit: a value, or nothing at that key; and the bytes replaced. */
export type Previous =
	| { readonly present: true; readonly value: unknown; readonly splice?: Splice }
	| { readonly present: false; readonly splice?: Splice };

/** The result of editing exactly one value in a file's text. */
export type EditResult =
	| { readonly ok: true; readonly text: string; readonly previous: Previous; readonly noop: boolean }
	| { readonly ok: false; readonly reason: string };

/** Where a key's value sits in a file's text, and what it reads as. */
export type Located =
	| { readonly ok: true; readonly present: true; readonly value: unknown; readonly start: number }
	| { readonly ok: true; readonly present: false }
	| { readonly ok: false; readonly reason: string };

/** One editor: read a key, set it, remove it. `document` picks a document in a multi-document file. */
export interface Editor {
	locate(text: string, path: readonly string[], document?: number): Located;
	edit(
		text: string,
		path: readonly string[],
		value: FlagValue,
		create: boolean,
		document?: number,
	): EditResult;
	remove(text: string, path: readonly string[], document?: number): EditResult;
}

/** The line ending a file uses, so inserted lines match it. */
export function lineEnding(text: string): string {
	return text.includes("\r\n") ? "\r\n" : "\n";
}

export function sameValue(a: unknown, b: unknown): boolean {
	return a === b || (typeof a === "number" && typeof b === "number" && Number.isNaN(a) && Number.isNaN(b));
}

/** Replaces `text[start, end)` and records the splice so a revert can put the same bytes back. */
export function splice(
	text: string,
	start: number,
	end: number,
	inserted: string,
	valueStart: number,
	where: { path: readonly string[]; document?: number },
): { text: string; splice: Splice } {
	return {
		text: `${text.slice(0, start)}${inserted}${text.slice(end)}`,
		splice: {
			path: [...where.path],
			...(where.document === undefined ? {} : { document: where.document }),
			lead: valueStart - start,
			deleted: text.slice(start, end),
			inserted,
		},
	};
}

/** A key as the checklist gives it: a dotted string, or a list of segments that may hold dots. */
export function flagPath(key: string | readonly string[]): string[] {
	return typeof key === "string" ? key.split(".") : [...key];
}

/** A key for people and records: dotted when that reads back the same, else a JSON list. */
export function flagKeyLabel(key: string | readonly string[]): string {
	if (typeof key === "string") return key;
	return key.some((segment) => segment.includes(".") || segment === "") ? JSON.stringify(key) : key.join(".");
}

/** A path for messages: dotted when unambiguous, else a JSON list. */
export function showPath(path: readonly string[]): string {
	return flagKeyLabel(path);
}

// ignoreBOM keeps a byte-order mark as text, so it is written back.
const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * Decodes a file so that every byte comes back on encoding, even bytes that are not UTF-8
 * (a Latin-1 `é` in a comment): such a byte becomes the lone surrogate U+DC80+byte, which no
 * valid UTF-8 text contains, and `encodeBytes` turns it back into the same byte.
 */
export function decodeBytes(bytes: Uint8Array): string {
	try {
		return STRICT_UTF8.decode(bytes);
	} catch {
		let text = "";
		let at = 0;
		while (at < bytes.length) {
			const length = sequenceLength(bytes, at);
			if (length === 0) {
				text += String.fromCharCode(0xdc00 + (bytes[at] ?? 0));
				at += 1;
			} else {
				text += STRICT_UTF8.decode(bytes.subarray(at, at + length));
				at += length;
			}
		}
		return text;
	}
}

/** The length of the valid UTF-8 sequence at `at`, or 0 when the byte there starts none. */
function sequenceLength(bytes: Uint8Array, at: number): number {
	const first = bytes[at] ?? 0;
	if (first < 0x80) return 1;
	const length =
		first >= 0xc2 && first <= 0xdf
			? 2
			: first >= 0xe0 && first <= 0xef
				? 3
				: first >= 0xf0 && first <= 0xf4
					? 4
					: 0;
	if (length === 0 || at + length > bytes.length) return 0;
	try {
		STRICT_UTF8.decode(bytes.subarray(at, at + length));
		return length;
	} catch {
		return 0;
	}
}

/** The inverse of `decodeBytes`. */
export function encodeBytes(text: string): Buffer {
	if (!/[\udc80-\udcff]/.test(text)) return Buffer.from(text, "utf8");
	const parts: Buffer[] = [];
	let from = 0;
	for (let index = 0; index < text.length; index++) {
		const code = text.charCodeAt(index);
		const lone =
			code >= 0xdc80 && code <= 0xdcff && !(index > 0 && isHighSurrogate(text.charCodeAt(index - 1)));
		if (!lone) continue;
		parts.push(Buffer.from(text.slice(from, index), "utf8"), Buffer.from([code - 0xdc00]));
		from = index + 1;
	}
	parts.push(Buffer.from(text.slice(from), "utf8"));
	return Buffer.concat(parts);
}

function isHighSurrogate(code: number): boolean {
	return code >= 0xd800 && code <= 0xdbff;
}

/** Whether a value carries a byte the file held that is not UTF-8 text. */
export function hasRawBytes(text: string): boolean {
	return /[\udc80-\udcff]/.test(text);
}
