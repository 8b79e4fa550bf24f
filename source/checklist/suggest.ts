import type * as z from "zod";

interface Def {
	readonly type: string;
	readonly shape?: Record<string, z.ZodType>;
	readonly element?: z.ZodType;
	readonly innerType?: z.ZodType;
	readonly in?: z.ZodType;
	readonly valueType?: z.ZodType;
	readonly options?: readonly z.ZodType[];
	readonly discriminator?: string;
}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/**
 * The keys the schema allows in the mapping at `path` of `data`: a step's keys come from
 * the branch its `kind` picks, so a misspelt key is compared with the keys of that kind only.
 */
export function allowedKeys(schema: z.ZodType, data: unknown, path: readonly PropertyKey[]): string[] {
	let current: z.ZodType | undefined = schema;
	let value = data;
	for (let index = 0; current; ) {
		const def = defOf(current);
		if (def.type === "optional" || def.type === "nullable" || def.type === "default") {
			current = def.innerType;
		} else if (def.type === "pipe") {
			current = def.in;
		} else if (def.type === "union") {
			current = pickOption(def, value);
		} else if (index === path.length) {
			return def.type === "object" ? Object.keys(def.shape ?? {}) : [];
		} else {
			const segment = path[index++] as PropertyKey;
			value = (value as Record<PropertyKey, unknown> | undefined)?.[segment];
			if (def.type === "object") current = def.shape?.[String(segment)];
			else if (def.type === "array") current = def.element;
			else if (def.type === "record") current = def.valueType;
			else return [];
		}
	}
	return [];
}

function pickOption(def: Def, value: unknown): z.ZodType | undefined {
	const objects = (def.options ?? []).filter((option) => defOf(option).type === "object");
	if (def.discriminator) {
		const tag = (value as Record<string, unknown> | undefined)?.[def.discriminator];
		return objects.find((option) => {
			const literal = defOf(option).shape?.[def.discriminator ?? ""];
			return (literal as unknown as { _zod: { def: { values?: unknown[] } } })?._zod.def.values?.includes(
				tag,
			);
		});
	}
	return objects[0];
}

/** The allowed key closest to a misspelt one, when it is close enough to be what was meant. */
export function closest(key: string, allowed: readonly string[]): string | undefined {
	let best: { key: string; distance: number } | undefined;
	for (const candidate of allowed) {
		const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
		if (!best || distance < best.distance) best = { key: candidate, distance };
	}
	return best && best.distance <= Math.max(1, Math.floor(key.length / 3)) ? best.key : undefined;
}

/** Levenshtein distance, with one row kept. */
function editDistance(a: string, b: string): number {
	const row = Array.from({ length: b.length + 1 }, (_, index) => index);
	for (let i = 1; i <= a.length; i++) {
		let diagonal = row[0] ?? 0;
		row[0] = i;
		for (let j = 1; j <= b.length; j++) {
			const above = row[j] ?? 0;
			const cost = a[i - 1] === b[j - 1] ? 0 : 1;
			row[j] = Math.min(above + 1, (row[j - 1] ?? 0) + 1, diagonal + cost);
			diagonal = above;
		}
	}
	return row[b.length] ?? 0;
}
