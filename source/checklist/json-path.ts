/** One step of a JSON path: an object key or an array index. */
export type JsonPathSegment = string | number;

const SEGMENT = /\.([A-Za-z_$][\w$-]*)|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]|\["((?:[^"\\]|\\.)*)"\]/y;

/**
 * Compiles the small JSON path subset checklists use — `$`, `.key`, `[0]`, `['key']` —
 * into segments; undefined when the path is not in that subset.
 */
export function compileJsonPath(path: string): JsonPathSegment[] | undefined {
	if (!path.startsWith("$")) return undefined;
	const segments: JsonPathSegment[] = [];
	SEGMENT.lastIndex = 1;
	while (SEGMENT.lastIndex < path.length) {
		const at = SEGMENT.lastIndex;
		const match = SEGMENT.exec(path);
		if (!match || SEGMENT.lastIndex === at) return undefined;
		const [, dotted, index, single, double] = match;
		if (index !== undefined) segments.push(Number(index));
		else segments.push((dotted ?? single ?? double ?? "").replace(/\\(.)/g, "$1"));
	}
	return segments;
}

/** Reads the value at a compiled path; undefined when any step is missing. */
export function readJsonPath(value: unknown, segments: readonly JsonPathSegment[]): unknown {
	let current = value;
	for (const segment of segments) {
		if (current === null || typeof current !== "object") return undefined;
		current = (current as Record<string | number, unknown>)[segment];
	}
	return current;
}
