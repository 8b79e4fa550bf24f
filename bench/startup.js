// Start-up cost of the built CLI, as a ratio to a bare `node -e 0` measured in the same run.
// Target: `rollout --help` and `rollout validate <shipped checklist>` within 1.5× of bare Node.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
const runs = Number(process.env.BENCH_RUNS ?? 30);
const shipped = readdirSync(`${root}checklists`)
	.filter((name) => name.endsWith(".yaml"))
	.map((name) => `checklists/${name}`);

const cases = [
	["node -e 0", ["-e", "0"]],
	["rollout --help", ["dist/cli.cjs", "--help"]],
	...shipped.map((file) => [`rollout validate ${file}`, ["dist/cli.cjs", "validate", file]]),
];

function once(args) {
	const started = process.hrtime.bigint();
	const result = spawnSync(process.execPath, args, { cwd: root, stdio: "ignore" });
	if (result.status !== 0) throw new Error(`${args.join(" ")} exited ${result.status}`);
	return Number(process.hrtime.bigint() - started) / 1e6;
}

const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
// Interleave the cases so machine noise spreads over all of them alike.
const samples = cases.map(() => []);
for (let run = 0; run < runs; run++) {
	for (const [index, [, args]] of cases.entries()) samples[index].push(once(args));
}

const baseline = median(samples[0]);
console.log(`start-up, median of ${runs} runs (target: ≤ 1.5× node -e 0)`);
cases.forEach(([name], index) => {
	const ms = median(samples[index]);
	console.log(`${name.padEnd(66)} ${ms.toFixed(1).padStart(7)} ms  ${(ms / baseline).toFixed(2)}×`);
});
