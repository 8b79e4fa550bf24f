import { writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Engine } from "../../source/engine/engine.js";
import { aggregate, readJsonl } from "../../source/steps/monitor/jsonl.js";
import { freePort, type MetricsStack, startMetricsStack } from "../helpers/prometheus.js";
import { tempDir } from "../helpers/temp.js";

/** Runs one monitor step, written as YAML, through the engine; returns its outcome and recorded result. */
async function monitor(stepYaml: string) {
	const dir = tempDir();
	const file = join(dir, "checklist.yaml");
	writeFileSync(
		file,
		`id: monitor-test\ntitle: Monitor test\nphases:\n  - id: watch\n    title: Watch\n    steps:\n${stepYaml
			.trim()
			.split("\n")
			.map((line) => `      ${line}`)
			.join("\n")}\n`,
	);
	const engine = await Engine.start({
		checklistPath: file,
		operator: "t",
		sessionsDir: join(dir, "sessions"),
		baseDir: dir,
	});
	const stepId = engine.steps[0]?.step.id ?? "";
	const outcome = await engine.run(stepId);
	await engine.close();
	return { outcome, result: engine.state.results[stepId], state: engine.state, dir };
}

let stack: MetricsStack;
let server: Server;
let jsonUrl: string;
let silentPort: number;

beforeAll(async () => {
	stack = await startMetricsStack();
	server = createServer((request, response) => {
		if (request.url === "/slow") return; // never answers
		if (request.url === "/down") {
			response.writeHead(503).end("maintenance\n");
			return;
		}
		if (request.url === "/text") {
			response.writeHead(200).end("fine\n");
			return;
		}
		response.writeHead(200, { "content-type": "application/json" });
		response.end(JSON.stringify({ service: { error_rate: 0.3, latency: { p95: "87.5" } }, label: "x" }));
	});
	const port = await freePort();
	await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
	jsonUrl = `http://127.0.0.1:${port}`;
	silentPort = await freePort();
}, 60_000);

afterAll(async () => {
	server?.closeAllConnections();
	server?.close();
	await stack?.stop();
});

describe("a real Prometheus server", () => {
	it("answers an instant query with one series", async () => {
		const { outcome, result } = await monitor(`
- id: node-up
  kind: monitor
  title: Node exporter is up
  source: { prometheus: { url: "${stack.prometheusUrl}", query: 'up{job="node"}' } }
  samples: 2
  interval: 50ms
  critical: "< 1"`);
		expect(outcome.summary).toBe("node-up: ok — 1 (critical < 1), 2 samples");
		expect(result?.readings?.map((reading) => reading.value)).toEqual([1, 1]);
	});

	it("refuses several series where one was expected, listing their label sets", async () => {
		const { outcome } = await monitor(`
- id: all-up
  kind: monitor
  title: Everything is up
  source: { prometheus: { url: "${stack.prometheusUrl}", query: up } }`);
		expect(outcome.status).toBe("failed");
		expect(outcome.reason).toMatch(
			/^no valid reading: the query gave 2 series where one was expected: \{.*job="(node|prometheus)".*\}, \{.*\}$/,
		);
	});

	it("says so for an empty vector", async () => {
		const { outcome } = await monitor(`
- id: nothing
  kind: monitor
  title: Nothing
  source: { prometheus: { url: "${stack.prometheusUrl}", query: 'up{job="nope"}' } }`);
		expect(outcome.reason).toBe(`no valid reading: the query gave an empty vector: up{job="nope"}`);
	});

	it("reads one series of a node exporter's text exposition", async () => {
		const { outcome, result } = await monitor(`
- id: exporter-build
  kind: monitor
  title: Exporter build info
  source: { http: { url: "${stack.exporterUrl}/metrics", format: prometheus, metric: node_exporter_build_info } }
  warn: "!= 1"`);
		expect(outcome.status).toBe("passed");
		expect(result?.readings?.[0]?.value).toBe(1);
	});

	it("lists the label sets when a text metric has several series", async () => {
		const { outcome } = await monitor(`
- id: cpu
  kind: monitor
  title: CPU seconds
  source: { http: { url: "${stack.exporterUrl}/metrics", format: prometheus, metric: node_cpu_seconds_total } }`);
		expect(outcome.reason).toMatch(/series match node_cpu_seconds_total: \{cpu="0",mode="[a-z]+"\}/);
	});
});

describe("HTTP JSON and failures as readings", () => {
	it("reads a JSON path; warns inside the warn band and records it as a condition-worthy outcome", async () => {
		const { outcome, result } = await monitor(`
- id: error-rate
  kind: monitor
  title: Error rate
  source: { http: { url: "${jsonUrl}/", format: json, path: "$.service.error_rate" } }
  samples: 2
  interval: 10ms
  warn: "> 0.2"
  critical: "> 1"`);
		expect(outcome.summary).toBe("error-rate: warned — 0.3 (warn > 0.2, critical > 1), 2 samples");
		expect(outcome.status).toBe("passed");
		expect(result?.evidence).toMatchObject({ monitor: { outcome: "warned" } });
	});

	it("turns statuses, timeouts, refused connections and non-numbers into recorded failed readings", async () => {
		const { outcome, result } = await monitor(`
- id: flaky
  kind: monitor
  title: Flaky source
  source: { http: { url: "${jsonUrl}/down", format: json, path: "$.x" } }
  samples: 1`);
		expect(outcome.reason).toBe(`no valid reading: HTTP 503 from ${jsonUrl}/down: maintenance`);
		expect(result?.readings).toEqual([
			{ at: expect.any(String), error: `HTTP 503 from ${jsonUrl}/down: maintenance` },
		]);
		const slow = await monitor(`
- id: slow
  kind: monitor
  title: Slow source
  source: { http: { url: "${jsonUrl}/slow", format: json, path: "$.x" } }
  timeout: 300ms`);
		expect(slow.outcome.reason).toBe(`no valid reading: no answer from ${jsonUrl}/slow within 300 ms`);
		const refused = await monitor(`
- id: refused
  kind: monitor
  title: Nobody listening
  source: { http: { url: "http://127.0.0.1:${silentPort}/", format: json, path: "$.x" } }`);
		expect(refused.outcome.reason).toBe(
			`no valid reading: connection refused by http://127.0.0.1:${silentPort}/`,
		);
		const text = await monitor(`
- id: label
  kind: monitor
  title: Not a number
  source: { http: { url: "${jsonUrl}/", format: json, path: "$.label" } }`);
		expect(text.outcome.reason).toBe('no valid reading: $.label is "x", not a number');
		const notJson = await monitor(`
- id: text
  kind: monitor
  title: Not JSON
  source: { http: { url: "${jsonUrl}/text", format: json, path: "$.x" } }`);
		expect(notJson.outcome.reason).toBe("no valid reading: the answer is not JSON");
	});
});

describe("command sources and outcomes", () => {
	it("stops at a critical breach and fails the step when onCritical is stop or rollback", async () => {
		const { outcome, result } = await monitor(`
- id: errors
  kind: monitor
  title: Errors
  source: { command: "echo 1.7" }
  samples: 3
  interval: 10ms
  warn: "> 0.5"
  critical: "> 1"
  onCritical: rollback`);
		expect(outcome.status).toBe("failed");
		expect(outcome.reason).toBe("1.7 breached the critical level > 1: roll back");
		expect(result?.readings).toHaveLength(1);
	});

	it("goes on after a breach with onCritical: continue, and the decision lists it as a condition", async () => {
		const { outcome, result } = await monitor(`
- id: errors
  kind: monitor
  title: Errors
  source: { command: ["sh", "-c", "echo 2"] }
  samples: 2
  interval: 10ms
  critical: "> 1"
  onCritical: continue`);
		expect(outcome.status).toBe("passed");
		expect(result?.readings).toHaveLength(2);
		expect(outcome.summary).toBe("errors: critical — 2 (critical > 1), 2 samples");
	});

	it("fails with no valid reading when the command prints no number", async () => {
		const { outcome } = await monitor(`
- id: words
  kind: monitor
  title: Words
  source: { command: "echo hello" }`);
		expect(outcome.reason).toBe("no valid reading: not a number: hello");
	});
});

describe("JSONL logs", () => {
	const values = [5, 1, 9, 3, 7, 2, 8, 4, 6, 10];
	const now = new Date("2026-11-23T12:00:00Z");

	function log(): string {
		const file = join(tempDir(), "metrics.jsonl");
		const lines = values.map((latency, index) =>
			JSON.stringify({
				ts: new Date(now.getTime() - (values.length - index) * 60_000).toISOString(),
				latency,
			}),
		);
		lines.splice(3, 0, "{not json", JSON.stringify({ ts: now.toISOString(), other: 1 }));
		writeFileSync(file, `${lines.join("\n")}\n`);
		return file;
	}

	it.each([
		["avg", 5.5],
		["p50", 5],
		["p95", 10],
		["p99", 10],
		["max", 10],
		["min", 1],
		["count", 10],
		["sum", 55],
	] as const)("%s", (kind, expected) => {
		expect(readJsonl({ file: log(), field: "latency", aggregate: kind }, now)).toEqual({
			value: expected,
			count: 10,
			malformed: 2,
		});
	});

	it("takes the last N lines, or the lines of the last duration by their timestamp", () => {
		const file = log();
		expect(readJsonl({ file, field: "latency", aggregate: "avg", window: { lines: 3 } }, now)).toEqual({
			value: 20 / 3,
			count: 3,
			malformed: 0,
		});
		expect(
			readJsonl(
				{ file, field: "latency", aggregate: "max", window: { last: 4 * 60_000, timeField: "ts" } },
				now,
			),
		).toMatchObject({
			value: 10,
			count: 4,
		});
	});

	it("reads a log much larger than its window from the end", () => {
		const file = join(tempDir(), "big.jsonl");
		const line = `${JSON.stringify({ latency: 1, padding: "x".repeat(200) })}\n`;
		writeFileSync(file, `${line.repeat(200_000)}${JSON.stringify({ latency: 99 })}\n`);
		expect(readJsonl({ file, field: "latency", aggregate: "max", window: { lines: 5 } }, now)).toEqual({
			value: 99,
			count: 5,
			malformed: 0,
		});
	});

	it("computes nearest-rank percentiles", () => {
		expect(aggregate([1, 2, 3, 4], "p50")).toBe(2);
		expect(aggregate([1, 2, 3, 4], "p99")).toBe(4);
	});

	it("through a monitor step, notes malformed lines", async () => {
		const file = log();
		const { outcome, result } = await monitor(`
- id: latency
  kind: monitor
  title: Latency P95
  source: { jsonl: { file: "${file}", field: latency, aggregate: p95 } }
  warn: "> 50"`);
		expect(outcome.summary).toBe("latency: ok — 10 (warn > 50), 1 sample");
		expect(result?.evidence).toMatchObject({ notes: ["2 malformed line(s) skipped"] });
	});
});
