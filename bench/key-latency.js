// Key latency: from a key press to the frame that answers it, while a command floods output.
// `rollout start` runs a step printing as fast as it can (`yes`); the operator presses r (the
// review opens over the running step) and r again (back to it), 50 times each way. Baseline: a
// bare node process in the same pseudo-terminal that echoes each key back. Target: the median
// within one frame at 60 Hz (16.7 ms); the worst is printed beside it.
// Run with `npm run build && node bench/key-latency.js` (BENCH_PRESSES to change the count).
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
const presses = Number(process.env.BENCH_PRESSES ?? 50);
const scratch = mkdtempSync(join(tmpdir(), "rollout-bench-"));
const config = join(scratch, "config");
mkdirSync(config);
writeFileSync(join(config, "config.json"), JSON.stringify({ operator: "Bench" }));
const checklist = join(scratch, "flood.yaml");
writeFileSync(
	checklist,
	[
		"id: flood",
		"title: Flood",
		"phases:",
		"  - id: run",
		"    title: Run",
		"    steps:",
		"      - id: flood",
		"        kind: command",
		"        title: A command that floods its output",
		"        run: timeout 120 yes 'a line of output, then another, as fast as the pipe takes them'",
		"        timeout: 5m",
		"",
	].join("\n"),
);
const env = { ...process.env, ROLLOUT_CONFIG_DIR: config, NO_COLOR: "1", TERM: "xterm-256color" };
delete env.CI;
const quote = (text) => `'${text.replaceAll("'", "'\\''")}'`;

/** A program in an 80×24 pseudo-terminal: keys in, and a wait for text to come out after a key. */
function terminal(args) {
	const command = `stty rows 24 cols 80; ${args.map(quote).join(" ")}`;
	const child = spawn("script", ["-qfec", command, "/dev/null"], { cwd: root, env });
	let output = "";
	let waiter;
	child.stdout.on("data", (chunk) => {
		output += chunk;
		if (waiter && output.includes(waiter.text)) {
			const { resolve } = waiter;
			waiter = undefined;
			resolve(process.hrtime.bigint());
		}
	});
	return {
		/** Writes the key and resolves with the milliseconds until `text` is printed after it. */
		press(key, text, timeoutMs = 10_000) {
			output = "";
			return new Promise((resolve, reject) => {
				const timer = setTimeout(
					() =>
						reject(
							new Error(
								`no "${text}" after ${JSON.stringify(key)}; the screen ended: ${JSON.stringify(output.slice(-1500))}`,
							),
						),
					timeoutMs,
				);
				const started = process.hrtime.bigint();
				waiter = {
					text,
					resolve: (at) => {
						clearTimeout(timer);
						resolve(Number(at - started) / 1e6);
					},
				};
				child.stdin.write(key);
			});
		},
		wait(text, timeoutMs = 20_000) {
			if (output.includes(text)) return Promise.resolve();
			return new Promise((resolve, reject) => {
				const timer = setTimeout(() => reject(new Error(`no "${text}" on screen`)), timeoutMs);
				waiter = {
					text,
					resolve: () => {
						clearTimeout(timer);
						resolve();
					},
				};
			});
		},
		close: () => child.kill("SIGKILL"),
	};
}

function summary(label, times) {
	const sorted = [...times].sort((a, b) => a - b);
	const median = sorted[Math.floor(sorted.length / 2)];
	const worst = sorted.at(-1);
	return { label, median, worst };
}

const row = ({ label, median, worst }, base) =>
	`${label.padEnd(34)} median ${median.toFixed(1).padStart(6)} ms  worst ${worst.toFixed(1).padStart(6)} ms${
		base ? `  (${(median / base.median).toFixed(1)}× the echo's median)` : ""
	}`;

try {
	// The floor: a raw-mode node process echoing each key, through the same pseudo-terminal.
	const echo = terminal([
		process.execPath,
		"-e",
		"process.stdin.setRawMode(true);process.stdin.on('data',d=>{if(d[0]===3)process.exit();process.stdout.write('got '+d+'\\n')});process.stdout.write('ready\\n')",
	]);
	await echo.wait("ready");
	const echoTimes = [];
	for (let index = 0; index < presses; index++) echoTimes.push(await echo.press("r", "got r"));
	echo.close();

	const sessions = join(scratch, "sessions");
	const rollout = terminal([
		process.execPath,
		join(root, "dist/cli.cjs"),
		"start",
		checklist,
		"--sessions-dir",
		sessions,
	]);
	await rollout.wait("Enter starts it.");
	await rollout.press("\r", "running ·");
	// Wait for the flood to be on screen before the first press.
	await rollout.wait("a line of output");
	const open = [];
	const back = [];
	for (let index = 0; index < presses; index++) {
		open.push(await rollout.press("r", "Review (read-only)"));
		back.push(await rollout.press("r", "l its log"));
	}
	rollout.close();

	const base = summary("echo (bare node, same terminal)", echoTimes);
	console.log(`key to frame, ${presses} presses each, while a command floods output`);
	console.log(row(base));
	console.log(row(summary("r: the review opens", open), base));
	console.log(row(summary("r: back to the running step", back), base));
	const all = summary("all rollout presses", [...open, ...back]);
	console.log(row(all, base));
	console.log(
		`one frame at 60 Hz is 16.7 ms: median ${all.median <= 16.7 ? "within" : "over"} it, worst ${all.worst.toFixed(1)} ms`,
	);
} finally {
	rmSync(scratch, { recursive: true, force: true });
}
