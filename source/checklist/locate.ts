import { type Document, isMap, isPair, isScalar, isSeq, type LineCounter, type Node } from "yaml";

/** Where a path points in the source: the node's start, or the nearest ancestor's when it is missing. */
export interface Located {
	readonly offset: number;
	/** The node at the full path, when it exists. */
	readonly node?: Node;
	/** True when the path ends at a missing key and the offset is its parent's. */
	readonly missing: boolean;
}

/**
 * Finds the YAML node for a data path. With `key` set, the last segment's key node is
 * returned instead of its value, so an unknown key is pointed at itself.
 */
export function locate(doc: Document, path: readonly PropertyKey[], key = false): Located {
	let node: unknown = doc.contents;
	let offset = rangeStart(node) ?? 0;
	for (let index = 0; index < path.length; index++) {
		const segment = path[index];
		const last = index === path.length - 1;
		let next: unknown;
		if (isMap(node)) {
			const pair = node.items.find((item) => isPair(item) && scalarValue(item.key) === String(segment));
			if (pair && last && key)
				return {
					offset: rangeStart(pair.key) ?? offset,
					node: pair.key as Node,
					missing: false,
				};
			next = pair?.value;
		} else if (isSeq(node) && typeof segment === "number") {
			next = node.items[segment];
		}
		const start = rangeStart(next);
		if (next === undefined || next === null || start === undefined) return { offset, missing: true };
		node = next;
		offset = start;
	}
	return { offset, node: node as Node, missing: false };
}

function scalarValue(node: unknown): string | undefined {
	return isScalar(node) ? String(node.value) : undefined;
}

function rangeStart(node: unknown): number | undefined {
	const range = (node as { range?: [number, number, number] } | undefined)?.range;
	return range?.[0];
}

/** 1-based line and column of an offset. */
export function position(lineCounter: LineCounter, offset: number): { line: number; column: number } {
	const { line, col } = lineCounter.linePos(offset);
	return { line, column: col };
}
