// A long session through the built CLI, as an operator would run it, each figure printed as a
// ratio to a baseline measured in the same run:
//   - `rollout run` of STEPS trivial command steps (`/bin/true`) in PHASES phases, against a bash
//     script running the same commands one after another (target ≤ 5×);
//   - export (json, html, md) and resume of that finished session, against `node -e 0`
//     (target ≤ 5×); `list` and `verify` of it (target ≤ 3×);
//   - a monitor step taking READINGS readings from a local HTTP endpoint with no interval:
//     rollout's own peak RSS (target ≤ 150 MiB; the source runs no child process, so the figure
//     is rollout's alone).
//
//   node bench/long-session.js          (BENCH_STEPS=3000 BENCH_PHASES=30 BENCH_READINGS=5000 BENCH_RUNS=5)
//
// Exit 1 when a figure misses its target.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
const steps = Number(process.env.BENCH_STEPS ?? 3000);
const phases = Number(process.env.BENCH_PHASES ?? 30);
const readings = Number(process.env.BENCH_READINGS ?? 5000);
const runs = Number(process.env.BENCH_RUNS ?? 5);
const keep = process.env.BENCH_KEEP === "1";
const cli = join(root, "dist", "cli.cjs");
if (!existsSync(cli)) throw new Error("dist/cli.cjs is missing: run npm run build first");

const work = mkdtempSync(join(tmpdir(), "rollout-bench-long-"));
const sessions = join(work, "sessions");
const env = { ...process.env, NO_COLOR: "1", ROLLOUT_CONFIG_DIR: join(work, "config") };
delete env.CI;

/**
 * Runs a command under /usr/bin/time; resolves with its wall time (ms), its peak RSS (MiB),
 * exit code and output. Asynchronous, so an HTTP endpoint served by this process keeps answering.
 */
function timed(args, options = {}) {
	return new Promise((resolve, reject) => {
		const started = process.hrtime.bigint();
		const child = spawn("/usr/bin/time", ["-f", "%M", ...args], { cwd: root, env, ...options });
		let stdout = "";
		let stderr = "";
		child.stdout?.on("data", (chunk) => {
			stdout += chunk;
		});
		child.stderr?.on("data", (chunk) => {
			stderr += chunk;
		});
		child.on("error", reject);
		child.on("close", (status) => {
			const ms = Number(process.hrtime.bigint() - started) / 1e6;
			const lines = stderr.trimEnd().split("\n");
			const kib = Number(lines.at(-1));
			resolve({ ms, rssMiB: kib / 1024, status, stdout, stderr: lines.slice(0, -1).join("\n") });
		});
	});
}

const rollout = (...args) => [process.execPath, cli, ...args, "--sessions-dir", sessions];
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function expectOk(label, args, okStatuses = [0]) {
	const result = await timed(args);
	if (!okStatuses.includes(result.status ?? -1))
		throw new Error(`${label} exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
	return result;
}

// The long checklist: phases of /bin/true steps, nothing else.
const perPhase = Math.ceil(steps / phases);
const lines = ["id: long", "title: Long session", "phases:"];
for (let phase = 0; phase < phases; phase++) {
	lines.push(`  - id: phase-${phase + 1}`, `    title: Phase ${phase + 1}`, "    steps:");
	for (let index = 0; index < perPhase && phase * perPhase + index < steps; index++) {
		const id = `step-${phase * perPhase + index + 1}`;
		lines.push(`      - { id: ${id}, kind: command, title: "True ${id}", run: /bin/true }`);
	}
}
const checklist = join(work, "long.yaml");
writeFileSync(checklist, `${lines.join("\n")}\n`);
const answers = join(work, "answers.yaml");
writeFileSync(answers, "operator: Bench\nanswers: {}\n");
const script = join(work, "loop.sh");
writeFileSync(script, `${Array.from({ length: steps }, () => "/bin/true").join("\n")}\n`);

let missed = 0;
function row(what, result, baseline, target) {
	const ratio = result.ms / baseline.ms;
	const ok = ratio <= target;
	if (!ok) missed++;
	console.log(
		`${what.padEnd(44)} ${(result.ms / 1000).toFixed(2).padStart(8)} s  ${ratio.toFixed(2).padStart(6)}×  (≤ ${target}×) ${ok ? "ok" : "MISSED"}  ${result.rssMiB.toFixed(0).padStart(4)} MiB`,
	);
}

try {
	console.log(`long session: ${steps} command steps in ${phases} phases; a ${readings}-reading monitor`);
	const loop = await expectOk("bash loop", ["bash", script]);
	const run = await expectOk("rollout run", rollout("run", checklist, "--answers", answers));
	const id = readdirSync(sessions).find((name) => !name.startsWith("."));
	if (!id) throw new Error("rollout run left no session");
	console.log(`${"bash: the same commands".padEnd(44)} ${(loop.ms / 1000).toFixed(2).padStart(8)} s`);
	row(`rollout run (${steps} steps)`, run, loop, 5);

	// The short commands: each run `runs` times, interleaved with node -e 0 so noise hits all alike.
	const cases = [
		["node -e 0", [process.execPath, "-e", "0"], [0], 1],
		["rollout export --format json", rollout("export", id, "--format", "json"), [0], 5],
		["rollout export --format html", rollout("export", id, "--format", "html"), [0], 5],
		["rollout export --format md", rollout("export", id, "--format", "md"), [0], 5],
		// The session has ended: resume opens it, replays it, and says so (exit 2).
		["rollout resume <ended session> --answers", rollout("resume", id, "--answers", answers), [2], 5],
		["rollout list", rollout("list"), [0], 3],
		["rollout verify", rollout("verify", id), [0], 3],
	];
	const samples = cases.map(() => []);
	for (let sample = 0; sample < runs; sample++) {
		for (const [index, [label, args, statuses]] of cases.entries())
			samples[index].push(await expectOk(label, args, statuses));
	}
	const medianOf = (list) => {
		const ms = median(list.map((result) => result.ms));
		return { ms, rssMiB: Math.max(...list.map((result) => result.rssMiB)) };
	};
	const node = medianOf(samples[0]);
	console.log(`${`node -e 0 (median of ${runs})`.padEnd(44)} ${(node.ms / 1000).toFixed(2).padStart(8)} s`);
	for (const [index, [label, , , target]] of cases.entries()) {
		if (index > 0) row(label, medianOf(samples[index]), node, target);
	}

	// A long monitor: readings as fast as a local endpoint answers them.
	const server = spawn(
		process.execPath,
		[
			"-e",
			`const s = require("node:http").createServer((q, r) => r.end(JSON.stringify({ rate: 0.25 })));
			 s.listen(0, "127.0.0.1", () => console.log(s.address().port));`,
		],
		{ stdio: ["ignore", "pipe", "inherit"] },
	);
	try {
		const port = await new Promise((resolve, reject) => {
			server.stdout.once("data", (chunk) => resolve(Number(String(chunk).trim())));
			server.once("error", reject);
		});
		const monitor = join(work, "monitor.yaml");
		writeFileSync(
			monitor,
			`id: watch\ntitle: Long watch\nphases:\n  - id: watch\n    title: Watch\n    steps:\n      - id: error-rate\n        kind: monitor\n        title: Error rate\n        source:\n          http: { url: "http://127.0.0.1:${port}/rate", format: json, path: "$.rate" }\n        samples: ${readings}\n        warn: "> 1"\n        critical: "> 5"\n`,
		);
		const watch = await expectOk("monitor run", rollout("run", monitor, "--answers", answers));
		const ok = watch.rssMiB <= 150;
		if (!ok) missed++;
		console.log(
			`${`monitor step, ${readings} readings`.padEnd(44)} ${(watch.ms / 1000).toFixed(2).padStart(8)} s  peak RSS ${watch.rssMiB.toFixed(0)} MiB (≤ 150 MiB) ${ok ? "ok" : "MISSED"}`,
		);
	} finally {
		server.kill();
	}
	if (missed > 0) {
		console.log(`${missed} figure(s) missed the target`);
		process.exitCode = 1;
	}
} finally {
	if (keep) console.log(`kept ${work}`);
	else rmSync(work, { recursive: true, force: true });
}
