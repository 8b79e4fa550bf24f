// A flag edit on a large YAML config, through the built CLI as an operator runs it: the time
// for a 200 KB and a 2 MB config, and their ratio. Near-linear editing gives a ratio near 10
// (the file is 10× larger); editing that grows with the square of the keys gives about 100.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "rollout-bench-flag-"));

function config(bytes) {
	const lines = ["# generated services", "rollout_flag: false"];
	let size = 0;
	for (let index = 0; size < bytes; index++) {
		const block = `service_${index}:\n  enabled: true  # on by default\n  name: "svc ${index}"\n  tags: [a, b]\n`;
		lines.push(block.trimEnd());
		size += block.length;
	}
	return `${lines.join("\n")}\n`;
}

function timeFlagEdit(label, bytes) {
	const dir = join(work, label);
	const file = join(dir, "config.yaml");
	const checklist = join(dir, "checklist.yaml");
	spawnSync("mkdir", ["-p", dir]);
	writeFileSync(file, config(bytes));
	writeFileSync(
		checklist,
		[
			"id: bench-flag",
			"title: Flag edit benchmark",
			"phases:",
			"  - id: flip",
			"    title: Flip",
			"    steps:",
			"      - { id: flag, kind: flag, title: Turn it on, file: config.yaml, key: rollout_flag, value: true }",
			"",
		].join("\n"),
	);
	writeFileSync(join(dir, "answers.yaml"), "operator: bench\nanswers: {}\n");
	const started = process.hrtime.bigint();
	const result = spawnSync(
		process.execPath,
		[
			join(root, "dist/cli.cjs"),
			"run",
			checklist,
			"--answers",
			join(dir, "answers.yaml"),
			"--operator",
			"bench",
			"--sessions-dir",
			join(dir, "sessions"),
		],
		{ cwd: dir, encoding: "utf8" },
	);
	const seconds = Number(process.hrtime.bigint() - started) / 1e9;
	if (!readFileSync(file, "utf8").includes("rollout_flag: true"))
		throw new Error(`the flag was not set (exit ${result.status}): ${result.stdout}${result.stderr}`);
	const kb = Math.round(statSync(file).size / 1024);
	console.log(`${label}: ${kb} KB config, flag edit through \`rollout run\` in ${seconds.toFixed(2)} s`);
	return seconds;
}

try {
	const small = timeFlagEdit("200KB", 200 * 1024);
	const large = timeFlagEdit("2MB", 2 * 1024 * 1024);
	console.log(`ratio 2 MB / 200 KB: ${(large / small).toFixed(1)}× (10× the data; near 10 is linear)`);
} finally {
	rmSync(work, { recursive: true, force: true });
}
