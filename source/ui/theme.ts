/** Colours for the screens, or none under NO_COLOR (Ink's own colour support does not read it). */
export type Tone = "ok" | "bad" | "warn" | "dim" | "accent";

const COLORS: Record<Tone, string> = {
	ok: "green",
	bad: "red",
	warn: "yellow",
	dim: "gray",
	accent: "cyan",
};

export function colorOf(tone: Tone | undefined): string | undefined {
	if (!tone) return undefined;
	const off = process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== "";
	return off ? undefined : COLORS[tone];
}

export const STATUS_TONE: Record<string, Tone> = {
	passed: "ok",
	failed: "bad",
	skipped: "dim",
	interrupted: "warn",
	running: "accent",
	pending: "dim",
};

export const STATUS_SYMBOL: Record<string, string> = {
	passed: "✓",
	failed: "✗",
	skipped: "-",
	interrupted: "!",
	running: "▸",
	pending: "·",
};
