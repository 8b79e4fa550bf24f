// Streaming a noisy command's output: rollout vs the same command writing to a file.
// Targets: the step's wall time ≤ 1.3× the plain command's, and rollout's peak RSS ≤ 150 MiB,
// flat between 100,000 and 1,000,000 lines.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "rollout-bench-"));
const runs = Number(process.env.BENCH_RUNS ?? 3);
const generator = (lines) =>
	`awk 'BEGIN { for (i = 0; i < ${lines}; i++) printf "line %d: the quick brown fox jumps over the lazy dog\\n", i }'`;

function timed(command, args) {
	const result = spawnSync("/usr/bin/time", ["-f", "%e %M", command, ...args], {
		cwd: root,
		encoding: "utf8",
	});
	const [seconds, kib] = result.stderr.trim().split("\n").at(-1).split(" ").map(Number);
	return { ms: seconds * 1000, rssMiB: kib / 1024, status: result.status };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
writeFileSync(join(work, "answers.yaml"), "answers: {}\n");
console.log(
	`command output streamed by rollout, median of ${runs} runs (targets: step ≤ 1.3× plain, RSS ≤ 150 MiB)`,
);
console.log("lines      plain→file   rollout step   ratio   rollout run (with start-up)   peak RSS");
for (const lines of [100_000, 1_000_000]) {
	const checklist = join(work, `noisy-${lines}.yaml`);
	writeFileSync(
		checklist,
		`id: noisy\ntitle: Noisy\nphases:\n  - id: one\n    title: One\n    steps:\n      - id: noisy\n        kind: command\n        title: Noisy\n        run: ${JSON.stringify(generator(lines))}\n`,
	);
	const plain = [];
	const step = [];
	const whole = [];
	const rss = [];
	for (let run = 0; run < runs; run++) {
		plain.push(timed("sh", ["-c", `${generator(lines)} > ${join(work, "plain.out")}`]).ms);
		const sessions = join(work, `sessions-${lines}-${run}`);
		const result = timed(process.execPath, [
			"dist/cli.cjs",
			"run",
			checklist,
			"--answers",
			join(work, "answers.yaml"),
			"--sessions-dir",
			sessions,
		]);
		if (result.status !== 0) throw new Error(`rollout run exited ${result.status}`);
		const [id] = readdirSync(sessions);
		const state = JSON.parse(readFileSync(join(sessions, id, "session.json"), "utf8")).state;
		step.push(state.results.noisy.evidence.durationMs);
		whole.push(result.ms);
		rss.push(result.rssMiB);
	}
	const p = median(plain);
	const s = median(step);
	console.log(
		`${String(lines).padEnd(10)} ${p.toFixed(0).padStart(8)} ms ${s.toFixed(0).padStart(11)} ms ${(s / p).toFixed(2).padStart(6)}× ${median(whole).toFixed(0).padStart(14)} ms (${(median(whole) / p).toFixed(2)}×) ${median(rss).toFixed(0).padStart(13)} MiB`,
	);
}
rmSync(work, { recursive: true, force: true });
