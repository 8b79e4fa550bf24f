import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once("error", reject);
		server.listen(0, "127.0.0.1", () => {
			const address = server.address();
			server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
		});
	});
}

export interface MetricsStack {
	readonly prometheusUrl: string;
	readonly exporterUrl: string;
	stop(): Promise<void>;
}

async function waitFor(check: () => Promise<boolean>, what: string, ms = 30_000): Promise<void> {
	const deadline = Date.now() + ms;
	while (Date.now() < deadline) {
		if (await check().catch(() => false)) return;
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
	throw new Error(`${what} did not come up within ${ms / 1000} s`);
}

function stopProcess(child: ChildProcess): Promise<void> {
	if (child.exitCode !== null) return Promise.resolve();
	return new Promise((resolve) => {
		child.once("exit", () => resolve());
		child.kill("SIGTERM");
		setTimeout(() => child.kill("SIGKILL"), 3000).unref();
	});
}

/**
 * A real node exporter and a real Prometheus server scraping it (and itself) every second,
 * on free loopback ports, with their data in a temp folder. Resolves once Prometheus has
 * scraped both.
 */
export async function startMetricsStack(): Promise<MetricsStack> {
	// Lives as long as the servers, across tests: not a per-test temp folder.
	const dir = mkdtempSync(join(tmpdir(), "rollout-prometheus-"));
	const [exporterPort, prometheusPort] = [await freePort(), await freePort()];
	const exporter = spawn("prometheus-node-exporter", [`--web.listen-address=127.0.0.1:${exporterPort}`], {
		stdio: "ignore",
	});
	writeFileSync(
		join(dir, "prometheus.yml"),
		[
			"global: { scrape_interval: 1s, evaluation_interval: 1s }",
			"scrape_configs:",
			`  - { job_name: node, static_configs: [ { targets: ["127.0.0.1:${exporterPort}"] } ] }`,
			`  - { job_name: prometheus, static_configs: [ { targets: ["127.0.0.1:${prometheusPort}"] } ] }`,
		].join("\n"),
	);
	const prometheus = spawn(
		"prometheus",
		[
			`--config.file=${join(dir, "prometheus.yml")}`,
			`--storage.tsdb.path=${join(dir, "data")}`,
			`--web.listen-address=127.0.0.1:${prometheusPort}`,
		],
		{ stdio: "ignore" },
	);
	const stack: MetricsStack = {
		prometheusUrl: `http://127.0.0.1:${prometheusPort}`,
		exporterUrl: `http://127.0.0.1:${exporterPort}`,
		stop: async () => {
			await Promise.all([stopProcess(prometheus), stopProcess(exporter)]);
			rmSync(dir, { recursive: true, force: true });
		},
	};
	try {
		await waitFor(async () => (await fetch(`${stack.exporterUrl}/metrics`)).ok, "node exporter");
		await waitFor(async () => {
			const answer = await (await fetch(`${stack.prometheusUrl}/api/v1/query?query=up`)).json();
			return (answer as { data?: { result?: unknown[] } }).data?.result?.length === 2;
		}, "Prometheus");
	} catch (error) {
		await stack.stop();
		throw error;
	}
	return stack;
}
