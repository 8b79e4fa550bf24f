/** How many of the lines, from the first, fit in `room` rows once each wraps at `width` (at least one). */
export function fitWrapped(lines: readonly string[], room: number, width: number): number {
	let rows = 0;
	for (const [index, line] of lines.entries()) {
		rows += Math.max(1, Math.ceil(line.length / Math.max(20, width)));
		if (rows > room) return Math.max(1, index);
	}
	return lines.length;
}

/** The rows a text takes once wrapped at `width`. */
export function rowsOf(text: string, width: number): number {
	return text
		.split("\n")
		.reduce((rows, line) => rows + Math.max(1, Math.ceil(line.length / Math.max(20, width))), 0);
}
