const UNIT_MS = {
	ms: 1,
	s: 1000,
	m: 60_000,
	h: 3_600_000,
	d: 86_400_000,
} as const;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;

/** Parses "500ms", "30s", "15m", "2h", "1d", "1h30m" or "5000" (ms) into milliseconds; undefined when malformed. */
export function parseDuration(text: string): number | undefined {
	const value = text.trim();
	if (value === "") return undefined;
	// Plain digits are milliseconds, as a number would be (a --var value is always text).
	if (/^\d+$/.test(value)) return Number(value);
	PART.lastIndex = 0;
	let total = 0;
	let end = 0;
	for (let match = PART.exec(value); match; match = PART.exec(value)) {
		total += Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
		end = PART.lastIndex;
	}
	return end === value.length ? Math.round(total) : undefined;
}

/** A whole span for people, as a schedule says it: "1 day", "7 days", "2 hours", "90 minutes". */
export function formatSpan(ms: number): string {
	const units = [
		["day", 86_400_000],
		["hour", 3_600_000],
		["minute", 60_000],
		["second", 1000],
	] as const;
	for (const [name, size] of units) {
		if (ms >= size && ms % size === 0) return `${ms / size} ${name}${ms / size === 1 ? "" : "s"}`;
	}
	return formatDuration(ms);
}

/** Formats milliseconds for people: 850ms, 12.3s, 4m 05s, 2h 10m. */
export function formatDuration(ms: number): string {
	if (ms < 1000) return `${Math.round(ms)}ms`;
	if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
	const minutes = Math.floor(ms / 60_000);
	if (minutes < 60) return `${minutes}m ${String(Math.floor((ms % 60_000) / 1000)).padStart(2, "0")}s`;
	return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, "0")}m`;
}
