const BARS = "▁▂▃▄▅▆▇█";

/**
 * A one-line chart of the last `width` values; the scale includes the given levels, so a
 * reading near the warn or critical level stands as high as it should.
 */
export function sparkline(values: readonly number[], width: number, levels: readonly number[] = []): string {
	const shown = values.slice(-width);
	if (shown.length === 0) return "";
	const scale = [...shown, ...levels];
	const low = Math.min(...scale);
	const high = Math.max(...scale);
	const span = high - low;
	return shown
		.map((value) => BARS[span === 0 ? 0 : Math.round(((value - low) / span) * (BARS.length - 1))])
		.join("");
}

/** A progress bar of `width` cells: filled for done, dotted for the rest. */
export function progressBar(done: number, total: number, width: number): string {
	const filled = total === 0 ? width : Math.round((done / total) * width);
	return `${"█".repeat(filled)}${"·".repeat(width - filled)}`;
}
