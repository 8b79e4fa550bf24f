import { Box, Text } from "ink";
import { fitWrapped } from "../fit.js";
import type { KeyTable } from "../key-bindings.js";
import type { Tone } from "../theme.js";
import { colorOf } from "../theme.js";

/** A line of text to read, with how it is meant to be read. */
export interface ReadLine {
	readonly text: string;
	readonly tone?: Tone;
}

/**
 * Lines that wrap, from `top`, as many as fit in `rows` at `columns`; what is below is counted
 * with the key that shows it, so nothing the operator must read is silently cut off.
 */
export function Scrolled({
	lines,
	top,
	rows,
	columns,
}: {
	readonly lines: readonly ReadLine[];
	readonly top: number;
	readonly rows: number;
	readonly columns: number;
}) {
	const from = Math.max(0, Math.min(top, lines.length - 1));
	const rest = lines.slice(from);
	const texts = rest.map((line) => line.text);
	const room = Math.max(1, rows - (from > 0 ? 1 : 0));
	const all = fitWrapped(texts, room, columns) === rest.length;
	const shown = all ? rest : rest.slice(0, fitWrapped(texts, Math.max(1, room - 1), columns));
	const hidden = rest.length - shown.length;
	return (
		<Box flexDirection="column">
			{from > 0 ? <Text color={colorOf("dim")}>{`↑ ${from} line(s) above (PgUp)`}</Text> : null}
			{shown.map((line, index) => (
				// biome-ignore lint/suspicious/noArrayIndexKey: a window over fixed lines
				<Text key={from + index} color={colorOf(line.tone)} wrap="wrap">
					{line.text || " "}
				</Text>
			))}
			{hidden > 0 ? <Text color={colorOf("dim")}>{`↓ ${hidden} more line(s) (PgDn)`}</Text> : null}
		</Box>
	);
}

/** How far PgDn moves from `top`: the lines shown there, less one kept for context. */
export function scrolledPage(lines: readonly ReadLine[], top: number, rows: number, columns: number): number {
	const shown = fitWrapped(
		lines.slice(top).map((line) => line.text),
		Math.max(1, rows - 2),
		columns,
	);
	return Math.max(1, shown - 1);
}

/** Whether all the lines fit in `rows` from the first, with nothing to scroll. */
export function fitsWhole(lines: readonly ReadLine[], rows: number, columns: number): boolean {
	return (
		fitWrapped(
			lines.map((line) => line.text),
			Math.max(1, rows),
			columns,
		) === lines.length
	);
}

/** PgDn and PgUp over the lines; PgDn is named in the footer only when there is more to read. */
export function scrollKeys(
	lines: readonly ReadLine[],
	top: number,
	rows: number,
	columns: number,
	setTop: (move: (at: number) => number) => void,
): KeyTable {
	const page = scrolledPage(lines, top, rows, columns);
	return [
		{
			name: "pageDown",
			label: "more",
			run: () => setTop((at) => Math.min(lines.length - 1, at + page)),
			quiet: top === 0 && fitsWhole(lines, rows, columns),
		},
		{ name: "pageUp", label: "back up", run: () => setTop((at) => Math.max(0, at - page)), quiet: true },
	];
}
