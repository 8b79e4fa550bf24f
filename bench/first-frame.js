// Time to first frame: from starting `rollout start` in a terminal to its first screen being
// written, as a ratio to a bare `node -e 0` run the same way in the same run. Targets: ≤ 3.5× for the
// demo, ≤ 3× for the 2,052-line checklist.
// Both run under script(1), which gives them a pseudo-terminal as an operator's would be.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
const runs = Number(process.env.BENCH_RUNS ?? 15);
const scratch = mkdtempSync(join(tmpdir(), "rollout-bench-"));
const config = join(scratch, "config");
const sessions = join(scratch, "sessions");
mkdirSync(config);
writeFileSync(join(config, "config.json"), JSON.stringify({ operator: "Bench" }));
const env = {
	...process.env,
	ROLLOUT_CONFIG_DIR: config,
	XDG_CACHE_HOME: join(scratch, "cache"),
	NO_COLOR: "1",
	TERM: "xterm-256color",
};
delete env.CI;

const quote = (text) => `'${text.replaceAll("'", "'\\''")}'`;

/** Runs a command in a pseudo-terminal; resolves with the milliseconds until `marker` is printed (or the end). */
function timed(args, marker) {
	return new Promise((resolve, reject) => {
		const started = process.hrtime.bigint();
		// A sized terminal, as an operator's is: the screens lay themselves out to it.
		const command = `stty rows 40 cols 120; exec ${args.map(quote).join(" ")}`;
		const child = spawn("script", ["-qfec", command, "/dev/null"], { cwd: root, env });
		let output = "";
		let done = false;
		const finish = () => {
			if (done) return;
			done = true;
			resolve(Number(process.hrtime.bigint() - started) / 1e6);
			child.kill("SIGKILL");
		};
		child.stdout.on("data", (chunk) => {
			output += chunk;
			if (marker && output.includes(marker)) finish();
		});
		child.on("error", reject);
		child.on("exit", () => {
			if (!marker) finish();
			else if (!done) reject(new Error(`${args.join(" ")} ended before its first frame:\n${output}`));
		});
	});
}

const cases = [
	["node -e 0", [process.execPath, "-e", "0"]],
	[
		"rollout start checklists/demo.yaml",
		[
			process.execPath,
			"dist/cli.cjs",
			"start",
			"checklists/demo.yaml",
			"--sessions-dir",
			sessions,
			"--var",
			`sandbox=${join(scratch, "sandbox")}`,
		],
		"Enter start",
	],
	[
		"rollout start checklists/coordinator-orchestrator-rollout.yaml",
		[
			process.execPath,
			"dist/cli.cjs",
			"start",
			"checklists/coordinator-orchestrator-rollout.yaml",
			"--sessions-dir",
			sessions,
		],
		"Enter start",
	],
];

const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
const samples = cases.map(() => []);
try {
	// One run of each first, unmeasured, so the caches are written as they would be after the first use.
	for (const [, args, marker] of cases.slice(1)) await timed(args, marker);
	for (let run = 0; run < runs; run++) {
		for (const [index, [, args, marker]] of cases.entries()) samples[index].push(await timed(args, marker));
	}
} finally {
	rmSync(scratch, { recursive: true, force: true });
}
const baseline = median(samples[0]);
console.log(
	`time to first frame, median of ${runs} runs in a pseudo-terminal (targets: ≤ 3.5× node -e 0 for the demo, ≤ 3× for the 2,052-line checklist)`,
);
cases.forEach(([name], index) => {
	const ms = median(samples[index]);
	console.log(`${name.padEnd(40)} ${ms.toFixed(1).padStart(7)} ms  ${(ms / baseline).toFixed(2)}×`);
});
