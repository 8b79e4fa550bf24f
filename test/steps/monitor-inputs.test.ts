import { writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Engine } from "../../source/engine/engine.js";
import { freePort, type MetricsStack, startMetricsStack } from "../helpers/prometheus.js";
import { tempDir } from "../helpers/temp.js";

async function monitor(stepYaml: string) {
	const dir = tempDir();
	const file = join(dir, "checklist.yaml");
	const indented = stepYaml
		.trim()
		.split("\n")
		.map((line) => `      ${line}`)
		.join("\n");
	writeFileSync(
		file,
		`id: monitor-inputs\ntitle: Monitor inputs\nphases:\n  - id: watch\n    title: Watch\n    steps:\n${indented}\n`,
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
	return { outcome, result: engine.state.results[stepId] };
}

let stack: MetricsStack;
let server: Server;
let url: string;

beforeAll(async () => {
	stack = await startMetricsStack();
	const port = await freePort();
	server = createServer((_, response) => {
		response.setHeader("content-type", "application/openmetrics-text; version=1.0.0; charset=utf-8");
		response.end(
			[
				"# TYPE requests counter",
				'requests_total{code="200"} 3 # {trace_id="4bf92f3577b34da6"} 1 1.7e9',
				'requests_total{code="500"} 1.5e1 1700000000.25',
				"# EOF",
				"",
			].join("\n"),
		);
	});
	await new Promise<void>((done) => server.listen(port, "127.0.0.1", done));
	url = `http://127.0.0.1:${port}/metrics`;
}, 60_000);

afterAll(async () => {
	server?.close();
	await stack?.stop();
});

describe("OpenMetrics exposition", () => {
	it("reads a sample that carries an exemplar, and one with a fractional timestamp", async () => {
		for (const [code, value] of [
			["200", 3],
			["500", 15],
		] as const) {
			const { result } = await monitor(`
- id: requests-${code}
  kind: monitor
  title: Requests
  source: { http: { url: "${url}", format: prometheus, metric: 'requests_total{code="${code}"}' } }
  samples: 1
  critical: "> 100"`);
			expect(result?.readings?.map((reading) => reading.value)).toEqual([value]);
		}
	});
});

describe("a real Prometheus answering infinities", () => {
	it("names +Inf and -Inf as such, not NaN", async () => {
		for (const [query, word] of [
			["vector(1/0)", "+Inf"],
			["vector(-1/0)", "-Inf"],
			["1/0", "+Inf"],
		] as const) {
			const { outcome } = await monitor(`
- id: infinite
  kind: monitor
  title: Infinite
  source: { prometheus: { url: "${stack.prometheusUrl}", query: "${query}" } }
  samples: 1
  critical: "> 1"`);
			expect(outcome.reason).toContain(`gave ${word}`);
		}
	});
});
