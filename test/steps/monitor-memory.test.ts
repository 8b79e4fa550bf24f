import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildSync } from "esbuild";
import { describe, expect, it } from "vitest";
import { SessionStore } from "../../source/session/store.js";
import { ESM_BANNER, startedEvent, steppingClock } from "../helpers/session.js";
import { tempDir } from "../helpers/temp.js";

/**
 * A watch of `4 * n` readings from a real local HTTP endpoint, run by the engine in a process of
 * its own with the garbage collector exposed: the live heap after `n` readings and after `4 * n`.
 */
function heapOfAWatch(n: number): { readings: number; heap: number }[] {
	const dir = tempDir("rollout-memory-");
	const script = join(dir, "watch.mjs");
	buildSync({
		stdin: {
			contents: `import { writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import { getHeapSpaceStatistics } from "node:v8";
import { Engine } from ${JSON.stringify(fileURLToPath(new URL("../../source/engine/engine.ts", import.meta.url)))};
const [dir, n] = [process.argv[2], Number(process.argv[3])];
const server = createServer((request, response) => response.end(JSON.stringify({ rate: 0.25 })));
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const file = join(dir, "watch.yaml");
writeFileSync(file, [
	"id: watch", "title: Watch", "phases:", "  - id: watch", "    title: Watch", "    steps:",
	"      - id: rate", "        kind: monitor", "        title: Error rate",
	"        source: { http: { url: http://127.0.0.1:" + server.address().port + "/, format: json, path: $.rate } }",
	"        samples: " + 4 * n, "        warn: '> 1'", "        critical: '> 5'", "",
].join("\\n"));
const engine = await Engine.start({ checklistPath: file, operator: "t", sessionsDir: join(dir, "sessions"), baseDir: dir });
const marks = [];
engine.subscribe(() => {
	const readings = engine.state.results.rate?.readings?.length ?? 0;
	if ((readings === n || readings === 4 * n) && !marks.some((mark) => mark.readings === readings)) {
		globalThis.gc();
		globalThis.gc();
		// Compiled code is left out: it grows as functions warm up, not with the readings.
		const heap = getHeapSpaceStatistics()
			.filter((space) => !space.space_name.startsWith("code"))
			.reduce((sum, space) => sum + space.space_used_size, 0);
		marks.push({ readings, heap });
	}
});
const outcome = await engine.run("rate");
await engine.close();
server.close();
process.stdout.write(JSON.stringify({ outcome: outcome.status, marks }));
`,
			resolveDir: fileURLToPath(new URL(".", import.meta.url)),
			loader: "ts",
		},
		bundle: true,
		platform: "node",
		format: "esm",
		mainFields: ["module", "main"],
		outfile: script,
		banner: { js: ESM_BANNER },
		logLevel: "error",
	});
	const child = spawnSync(process.execPath, ["--expose-gc", script, dir, String(n)], {
		encoding: "utf8",
		timeout: 240_000,
	});
	expect(child.status, child.stderr).toBe(0);
	const result = JSON.parse(child.stdout) as { outcome: string; marks: { readings: number; heap: number }[] };
	expect(result.outcome).toBe("passed");
	return result.marks;
}

describe("a long watch", () => {
	it("holds a few dozen bytes per reading, whatever else it did to take it", () => {
		const n = 1500;
		const [first, last] = heapOfAWatch(n);
		expect([first?.readings, last?.readings]).toEqual([n, 4 * n]);
		const perReading = ((last?.heap ?? 0) - (first?.heap ?? 0)) / (3 * n);
		// A reading as the state holds it (time, value) is about 120 bytes; a record kept per
		// reading, a response or a timer kept per request would each add more than the margin.
		expect(perReading).toBeLessThan(300);
	}, 300_000);

	it("leaves no record per reading in the store, whose anchor still counts every event", async () => {
		const sessions = tempDir();
		const id = "20261123-091500-watch-ab12";
		const started = startedEvent(id);
		const store = await SessionStore.create(sessions, id, started, { now: steppingClock() });
		store.append({ type: "step.started", data: { stepId: "tests", attempt: 1 } });
		const kept = (readings: number) => {
			for (let sample = 1; sample <= readings; sample++)
				store.append({ type: "monitor.reading", data: { stepId: "tests", sample, value: sample } });
			return store.records.length;
		};
		expect(kept(10)).toBe(kept(1_000));
		expect(store.anchor.events).toBe(2 + 1_010);
		expect(store.state.results.tests?.readings).toHaveLength(1_010);
		// The last reading stays: the time a watch cut off there stopped.
		expect(store.records.at(-1)).toMatchObject({ type: "monitor.reading", seq: 1_011 });
		expect(store.records.at(-1)?.hash).toBe(store.anchor.head);
		await store.close();
		const reopened = await SessionStore.open(sessions, id);
		expect(reopened.records.map((record) => record.type)).toEqual([
			"session.started",
			"step.started",
			"monitor.reading",
		]);
		expect(reopened.anchor).toEqual(store.anchor);
		await reopened.close();
	});
});
