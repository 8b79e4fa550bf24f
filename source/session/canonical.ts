import { createHash, hash } from "node:crypto";

/** JSON with object keys sorted at every depth, so the same value always hashes the same. */
export function canonicalJson(value: unknown): string {
	return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(sortKeys);
	if (value !== null && typeof value === "object") {
		const sorted: Record<string, unknown> = {};
		for (const key of Object.keys(value).sort()) {
			const item = (value as Record<string, unknown>)[key];
			if (item !== undefined) sorted[key] = sortKeys(item);
		}
		return sorted;
	}
	return value;
}

/** SHA-256 in hex; the one-shot hash where Node has it (20.12+), about twice as fast for a log's short records. */
export function sha256(data: string | Uint8Array): string {
	return typeof hash === "function"
		? hash("sha256", data, "hex")
		: createHash("sha256").update(data).digest("hex");
}

/** The hash a record must carry: SHA-256 of its canonical JSON without `hash`. */
export function recordHash(record: Readonly<Record<string, unknown>>): string {
	const { hash: _hash, ...rest } = record;
	return sha256(canonicalJson(rest));
}
