/** One sample of the Prometheus text exposition format. */
export interface PrometheusSample {
	readonly name: string;
	readonly labels: Readonly<Record<string, string>>;
	readonly value: number;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?/gy;

/**
 * Parses one line of the Prometheus text format or OpenMetrics: `name{labels} value
 * [timestamp] [# {exemplar} value [timestamp]]`, with float and exponent timestamps;
 * undefined for comments, blanks and malformed lines.
 */
export function parsePrometheusLine(line: string): PrometheusSample | undefined {
	const trimmed = line.trim();
	if (trimmed === "" || trimmed.startsWith("#")) return undefined;
	const name = NAME.exec(trimmed)?.[0];
	if (!name) return undefined;
	let rest = trimmed.slice(name.length);
	let labels: Record<string, string> = {};
	if (rest.startsWith("{")) {
		const close = closingBrace(rest);
		if (close < 0) return undefined;
		const parsed = parseLabels(rest.slice(1, close));
		if (!parsed) return undefined;
		labels = parsed;
		rest = rest.slice(close + 1);
	}
	if (!/^\s/.test(rest)) return undefined;
	// An exemplar (OpenMetrics) follows ` # `: it belongs to the sample but is not its value.
	const [value, timestamp, ...extra] = rest
		.replace(/\s#\s.*$/, "")
		.trim()
		.split(/\s+/);
	if (value === undefined || extra.length > 0) return undefined;
	if (timestamp !== undefined && !Number.isFinite(Number(timestamp))) return undefined;
	const number = parsePrometheusValue(value);
	return number === undefined ? undefined : { name, labels, value: number };
}

/** Where the label set that opens `text` closes, skipping braces inside quoted values. */
function closingBrace(text: string): number {
	let quoted = false;
	for (let index = 1; index < text.length; index++) {
		const char = text[index];
		if (quoted && char === "\\") index++;
		else if (char === '"') quoted = !quoted;
		else if (!quoted && char === "}") return index;
	}
	return -1;
}

function parseLabels(text: string): Record<string, string> | undefined {
	const labels: Record<string, string> = {};
	LABEL.lastIndex = 0;
	while (LABEL.lastIndex < text.length) {
		const at = LABEL.lastIndex;
		const match = LABEL.exec(text);
		if (!match?.[1] || LABEL.lastIndex === at) return text.slice(at).trim() === "" ? labels : undefined;
		labels[match[1]] = (match[2] ?? "").replace(/\\(["\\n])/g, (_, char: string) =>
			char === "n" ? "\n" : char,
		);
	}
	return labels;
}

/** A sample value as Prometheus writes it: a float, `+Inf`, `-Inf` or `NaN` (any case). */
export function parsePrometheusValue(text: string): number | undefined {
	if (/^[+]?inf(?:inity)?$/i.test(text)) return Number.POSITIVE_INFINITY;
	if (/^-inf(?:inity)?$/i.test(text)) return Number.NEGATIVE_INFINITY;
	if (/^nan$/i.test(text)) return Number.NaN;
	if (text.trim() === "") return undefined;
	const value = Number(text);
	return Number.isNaN(value) ? undefined : value;
}

/** The key a sample is found by: `name` alone, or `name{a="1",b="2"}` with labels sorted. */
export function seriesKey(name: string, labels: Readonly<Record<string, string>>): string {
	const keys = Object.keys(labels).sort();
	if (keys.length === 0) return name;
	return `${name}{${keys.map((key) => `${key}=${JSON.stringify(labels[key])}`).join(",")}}`;
}

/** Normalises a selector written in a checklist (`errors_total{job="api"}`) to a series key. */
export function normaliseSelector(selector: string): string | undefined {
	const sample = parsePrometheusLine(`${selector} 0`);
	return sample && seriesKey(sample.name, sample.labels);
}

/** Samples that match a selector: same name, and every label the selector names has the same value. */
export function selectSamples(
	samples: readonly PrometheusSample[],
	selector: string,
): PrometheusSample[] | undefined {
	const wanted = parsePrometheusLine(`${selector} 0`);
	if (!wanted) return undefined;
	return samples.filter(
		(sample) =>
			sample.name === wanted.name &&
			Object.entries(wanted.labels).every(([key, value]) => sample.labels[key] === value),
	);
}
