/** One sample of the Prometheus text exposition format. */
export interface PrometheusSample {
	readonly name: string;
	readonly labels: Readonly<Record<string, string>>;
	readonly value: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+-?\d+)?\s*$/;
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?/gy;

/** Parses one line of the text exposition format; undefined for comments, blanks and malformed lines. */
export function parsePrometheusLine(line: string): PrometheusSample | undefined {
	const trimmed = line.trim();
	if (trimmed === "" || trimmed.startsWith("#")) return undefined;
	const match = SAMPLE.exec(trimmed);
	if (!match?.[1] || match[4] === undefined) return undefined;
	const labels = match[3] === undefined ? {} : parseLabels(match[3]);
	if (!labels) return undefined;
	const value = parseValue(match[4]);
	return value === undefined ? undefined : { name: match[1], labels, value };
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

function parseValue(text: string): number | undefined {
	if (text === "+Inf") return Number.POSITIVE_INFINITY;
	if (text === "-Inf") return Number.NEGATIVE_INFINITY;
	if (text === "NaN") return Number.NaN;
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
