import { type Document, isScalar, visit } from "yaml";

/**
 * Keys that appear twice in one mapping, each with where the second one stands. One pass:
 * the yaml package's own check (`uniqueKeys`) compares every key with every other, which takes
 * minutes on files with tens of thousands of keys.
 */
export function duplicateKeys(doc: Document): { offset: number; key: string }[] {
	const found: { offset: number; key: string }[] = [];
	visit(doc, {
		Map(_, map) {
			const seen = new Set<unknown>();
			for (const item of map.items) {
				if (!isScalar(item.key)) continue;
				const key = item.key.value;
				if (seen.has(key)) found.push({ offset: item.key.range?.[0] ?? 0, key: String(key) });
				seen.add(key);
			}
		},
	});
	return found;
}
