import { join, resolve } from "node:path";
import { formatDuration } from "../../checklist/duration.js";
import { compileJsonPath, readJsonPath } from "../../checklist/json-path.js";
import type { Step } from "../../checklist/schema.js";
import type { HttpGet } from "../../runner/http.js";
import { toNumber } from "../../runner/parsers.js";
import {
	type PrometheusSample,
	parsePrometheusLine,
	parsePrometheusValue,
	selectSamples,
	seriesKey,
} from "../../runner/prometheus.js";
import type { StepContext } from "../context.js";
import { describeJsonl, readJsonl } from "./jsonl.js";
import { countLogLines } from "./log-lines.js";

type Source = Extract<Step, { kind: "monitor" }>["source"];

/** One reading: a number, with a note (such as malformed log lines) when there is one. */
export interface Value {
	readonly value: number;
	readonly note?: string;
}

/** Where the readings come from, for people. */
export function describeSource(source: Source): string {
	if (source.command)
		return `command ${typeof source.command === "string" ? source.command : source.command.join(" ")}`;
	if (source.http)
		return `${source.http.url} (${source.http.format} ${source.http.metric ?? source.http.path})`;
	if (source.prometheus) return `Prometheus ${source.prometheus.url}: ${source.prometheus.query}`;
	if (source.log)
		return `${source.log.file} (lines matching ${source.log.pattern}${source.log.window?.last ? ` in the last ${formatDuration(source.log.window.last)}` : ""})`;
	return source.jsonl ? `${source.jsonl.file} (${describeJsonl(source.jsonl)})` : "no source";
}

/** Takes one reading from a monitor's source; any failure is thrown as a one-line reason. */
export async function readSource(
	source: Source,
	ctx: StepContext,
	http: HttpGet,
	timeoutMs: number,
	now: () => Date = () => ctx.clock.now(),
): Promise<Value> {
	if (source.command) return finite(await fromCommand(source.command, ctx, timeoutMs), "the command");
	if (source.http) {
		const { url, format, metric, path, headers } = source.http;
		const body = await get(http, url, { timeoutMs, headers, signal: ctx.signal });
		if (format === "json") return finite(fromJson(body, path ?? "$"), url);
		return finite(onePrometheusSample(prometheusText(body), metric ?? ""), url);
	}
	if (source.prometheus)
		return finite(await fromPrometheusQuery(source.prometheus, http, timeoutMs, ctx.signal), "the query");
	if (source.jsonl) {
		const reading = readJsonl({ ...source.jsonl, file: resolve(ctx.baseDir, source.jsonl.file) }, now());
		const note = reading.malformed > 0 ? `${reading.malformed} malformed line(s) skipped` : undefined;
		return { ...finite({ value: reading.value }, source.jsonl.file), note };
	}
	if (source.log) {
		const reading = countLogLines({ ...source.log, file: resolve(ctx.baseDir, source.log.file) }, now());
		return { value: reading.value };
	}
	throw new Error("the monitor has no source");
}

function finite(reading: Value, where: string): Value {
	if (Number.isNaN(reading.value)) throw new Error(`${where} gave NaN`);
	if (!Number.isFinite(reading.value))
		throw new Error(`${where} gave ${reading.value > 0 ? "+Inf" : "-Inf"}`);
	return reading;
}

async function get(
	http: HttpGet,
	url: string,
	options: { timeoutMs: number; headers?: Record<string, string>; signal: AbortSignal },
): Promise<string> {
	const response = await http(url, options);
	if (response.status < 200 || response.status > 299) {
		throw new Error(
			`HTTP ${response.status} from ${url}${response.body ? `: ${response.body.trim().split("\n")[0]?.slice(0, 120)}` : ""}`,
		);
	}
	return response.body;
}

async function fromCommand(
	run: string | readonly string[],
	ctx: StepContext,
	timeoutMs: number,
): Promise<Value> {
	let last = "";
	const result = await ctx.runner.run(
		{ run, cwd: ctx.baseDir, timeoutMs },
		{
			logFile: join(ctx.sessionDir, "logs", `${ctx.stepId}.log`),
			mask: ctx.mask,
			signal: ctx.signal,
			onStdoutLine: (line) => {
				if (line.trim()) last = line.trim();
			},
		},
	);
	if (result.spawnError) throw new Error(`could not start: ${result.spawnError}`);
	if (result.timedOut) throw new Error(`no reading within ${timeoutMs} ms`);
	if (result.exitCode !== 0) throw new Error(`the command exited ${result.exitCode ?? result.signal}`);
	const value = toNumber(last);
	if (value === undefined)
		throw new Error(last ? `not a number: ${last.slice(0, 80)}` : "the command printed nothing");
	return { value };
}

function fromJson(body: string, path: string): Value {
	let data: unknown;
	try {
		data = JSON.parse(body);
	} catch {
		throw new Error("the answer is not JSON");
	}
	const found = readJsonPath(data, compileJsonPath(path) ?? []);
	const value = toNumber(found);
	if (value === undefined)
		throw new Error(`${path} is ${found === undefined ? "missing" : JSON.stringify(found)}, not a number`);
	return { value };
}

function prometheusText(body: string): PrometheusSample[] {
	return body.split("\n").flatMap((line) => parsePrometheusLine(line) ?? []);
}

function onePrometheusSample(samples: readonly PrometheusSample[], metric: string): Value {
	const matching = selectSamples(samples, metric) ?? [];
	if (matching.length === 0) throw new Error(`no series matches ${metric}`);
	if (matching.length > 1)
		throw new Error(`${matching.length} series match ${metric}: ${labelSets(matching)}`);
	return { value: matching[0]?.value ?? Number.NaN };
}

async function fromPrometheusQuery(
	source: { url: string; query: string },
	http: HttpGet,
	timeoutMs: number,
	signal: AbortSignal,
): Promise<Value> {
	const url = `${source.url.replace(/\/+$/, "")}/api/v1/query?query=${encodeURIComponent(source.query)}`;
	const body = await get(http, url, { timeoutMs, signal });
	let answer: { status?: string; error?: string; data?: { resultType?: string; result?: unknown } };
	try {
		answer = JSON.parse(body);
	} catch {
		throw new Error("Prometheus did not answer with JSON");
	}
	if (answer.status !== "success") throw new Error(`Prometheus: ${answer.error ?? answer.status}`);
	const { resultType, result } = answer.data ?? {};
	if (resultType === "scalar") return { value: queryValue((result as [number, string])[1]) };
	if (resultType !== "vector") throw new Error(`the query gave a ${resultType}, not an instant vector`);
	const series = result as { metric: Record<string, string>; value: [number, string] }[];
	if (series.length === 0) throw new Error(`the query gave an empty vector: ${source.query}`);
	if (series.length > 1) {
		const samples = series.map((item) => ({
			name: item.metric.__name__ ?? "",
			labels: item.metric,
			value: 0,
		}));
		throw new Error(`the query gave ${series.length} series where one was expected: ${labelSets(samples)}`);
	}
	return { value: queryValue(series[0]?.value[1]) };
}

/** Prometheus answers `+Inf`, `-Inf` and `NaN` as such: read them as what they are. */
function queryValue(text: string | undefined): number {
	return parsePrometheusValue(String(text)) ?? Number.NaN;
}

function labelSets(samples: readonly PrometheusSample[]): string {
	return samples
		.slice(0, 5)
		.map(
			(sample) =>
				seriesKey(
					"",
					Object.fromEntries(Object.entries(sample.labels).filter(([key]) => key !== "__name__")),
				) || "{}",
		)
		.join(", ");
}
