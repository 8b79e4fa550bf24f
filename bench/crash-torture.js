// Crash torture: N unattended runs of a checklist with backups, flag edits on a large YAML file,
// commands and prompts, each killed with SIGKILL at a random (seeded) instant, then checked with
// `rollout verify` and resumed to the end with `rollout resume <id> --answers …`.
//
//   node bench/crash-torture.js [runs] [seed]      (defaults: 50 runs, a random seed, printed)
//
// Counts: verify failures; resumes that did not reach GO; completed steps lost or run again
// (a step recorded done before the kill must keep its result and never run again); torn files
// (a JSON file that does not parse, a config that is neither before nor after a flag edit);
// temp files left behind once the session has been resumed. Exit 1 when any count is not 0.
import { spawn, spawnSync } from "node:child_process";
import {
	cpSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	rmSync,
	statSync,
	writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
const runs = Number(process.argv[2] ?? process.env.TORTURE_RUNS ?? 50);
const seed = Number(process.argv[3] ?? process.env.TORTURE_SEED ?? Math.floor(Math.random() * 2 ** 31));
const keep = process.env.TORTURE_KEEP === "1";

if (!existsSync(join(root, "dist", "cli.cjs")))
	spawnSync(process.execPath, ["scripts/build.js"], { cwd: root, stdio: "inherit" });
// A copy of the built package, so that a rebuild while the torture runs cannot change what it tests.
const installed = mkdtempSync(join(tmpdir(), "rollout-torture-bin-"));
for (const name of ["dist", "checklists", "package.json"])
	cpSync(join(root, name), join(installed, name), { recursive: true });
const bin = join(installed, "dist", "cli.cjs");

/** mulberry32: seeded, so a run can be replayed with its seed. */
function seededRandom(value) {
	let state = value >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
	};
}

const COMMANDS = ["check-a", "check-b", "check-c"];
const command = (id, app) =>
	JSON.stringify(
		`echo ${id} start >> ${app}/runs.log; sleep 0.15; seq 1 5000; echo ${id} end >> ${app}/runs.log`,
	);

function checklist(app) {
	return `id: torture
title: Crash torture
phases:
  - id: prepare
    title: Prepare
    steps:
      - { id: backup, kind: backup, title: Back up, paths: ["${app}/config.yaml", "${app}/second.yaml", "${app}/data"], critical: true }
      - { id: check-a, kind: command, title: Check A, run: ${command("check-a", app)}, critical: true }
  - id: enable
    title: Enable
    steps:
      - { id: flag-one, kind: flag, title: Flag one, file: "${app}/config.yaml", key: features.one, value: true, critical: true }
      - { id: smoke-one, kind: prompt, title: Smoke one, question: Did it answer? }
      - { id: check-b, kind: command, title: Check B, run: ${command("check-b", app)} }
      - { id: flag-two, kind: flag, title: Flag two, file: "${app}/second.yaml", key: features.two, value: true, critical: true }
      - { id: smoke-two, kind: prompt, title: Smoke two, question: Still fine? }
      - { id: check-c, kind: command, title: Check C, run: ${command("check-c", app)} }
  - id: gate
    title: Go / No-Go
    steps:
      - { id: decision, kind: decision, title: Go / No-Go }
      - { id: approvals, kind: signoff, title: Approvals, roles: [Tech Lead] }
`;
}

const ANSWERS = `operator: Torture
answers:
  smoke-one: pass
  smoke-two: pass
  approvals:
    - { role: Tech Lead, name: Alice Lead, decision: approve }
`;

// Configs with some bulk, so that flag edits take long enough to be killed in the middle.
const PADDING = Array.from({ length: 1500 }, (_, i) => `  key${i}: value ${i} of the padding`).join("\n");
const CONFIG = `features:\n  one: false\n  two: false\npadding:\n${PADDING}\n`;
/** Each file may be before or after its flag edit, nothing else. */
const VERSIONS = {
	"config.yaml": new Set([CONFIG, CONFIG.replace("one: false", "one: true")]),
	"second.yaml": new Set([CONFIG, CONFIG.replace("two: false", "two: true")]),
};

function cli(args) {
	return spawnSync(process.execPath, [bin, ...args], {
		encoding: "utf8",
		env: { ...process.env, NO_COLOR: "1" },
	});
}

function sandbox() {
	const work = mkdtempSync(join(tmpdir(), "rollout-torture-"));
	const app = join(work, "app");
	mkdirSync(join(app, "data"), { recursive: true });
	writeFileSync(join(app, "config.yaml"), CONFIG);
	writeFileSync(join(app, "second.yaml"), CONFIG);
	for (let i = 0; i < 20; i++) writeFileSync(join(app, "data", `file-${i}.txt`), `data ${i}\n`.repeat(2000));
	writeFileSync(join(work, "checklist.yaml"), checklist(app));
	writeFileSync(join(work, "answers.yaml"), ANSWERS);
	return { work, app, sessions: join(work, "sessions") };
}

const runArgs = (box) => [
	"run",
	join(box.work, "checklist.yaml"),
	"--answers",
	join(box.work, "answers.yaml"),
	"--sessions-dir",
	box.sessions,
];

const sessionIds = (sessions) =>
	existsSync(sessions) ? readdirSync(sessions).filter((name) => !name.startsWith(".")) : [];

function records(sessions, id) {
	const text = readFileSync(join(sessions, id, "events.jsonl"), "utf8");
	return text
		.split("\n")
		.filter(Boolean)
		.flatMap((line) => {
			try {
				return [JSON.parse(line)];
			} catch {
				return [];
			}
		});
}

/** Steps the log says are done, with how they ended and on which attempt. */
function doneSteps(events) {
	const done = new Map();
	for (const event of events) {
		if (event.type === "step.started") done.delete(event.data.stepId);
		if (event.type === "step.finished" || event.type === "step.skipped")
			done.set(event.data.stepId, `${event.data.status ?? "skipped"}`);
		if (event.type === "decision.made") done.set(event.data.stepId, "passed");
		if (event.type === "step.interrupted") done.delete(event.data.stepId);
	}
	return done;
}

const starts = (app) => {
	const log = join(app, "runs.log");
	const text = existsSync(log) ? readFileSync(log, "utf8") : "";
	return Object.fromEntries(
		COMMANDS.map((id) => [id, text.split("\n").filter((line) => line === `${id} start`).length]),
	);
};

/** Files that do not parse, and a config that is none of its valid versions. */
function tornFiles(box, id) {
	const torn = [];
	const dir = join(box.sessions, id);
	const jsonFiles = ["session.json", "signoff.json", "lock.json", join("backups", "manifest.json")];
	for (const name of jsonFiles) {
		const path = join(dir, name);
		if (!existsSync(path)) continue;
		try {
			JSON.parse(readFileSync(path, "utf8"));
		} catch {
			torn.push(path);
		}
	}
	const lines = readFileSync(join(dir, "events.jsonl"), "utf8").split("\n");
	// The last line may be cut mid-write (the next open removes it and says so); any other must parse.
	for (const line of lines.slice(0, -1)) {
		try {
			JSON.parse(line);
		} catch {
			torn.push(`${join(dir, "events.jsonl")}: ${line.slice(0, 40)}`);
			break;
		}
	}
	for (const [name, versions] of Object.entries(VERSIONS)) {
		if (!versions.has(readFileSync(join(box.app, name), "utf8"))) torn.push(join(box.app, name));
	}
	return torn;
}

const TEMP = /\.rollout-tmp$|\.\d{5,10}$|^\.creating-|\.takeover$/;
function tempFiles(dir) {
	if (!existsSync(dir)) return [];
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		const here = TEMP.test(name) ? [path] : [];
		return statSync(path).isDirectory() && !name.startsWith(".creating-")
			? [...here, ...tempFiles(path)]
			: here;
	});
}

/**
 * Runs rollout and kills it with SIGKILL: `ms` after start, or, with `afterSession`, `ms` after
 * its session folder appears. Resolves with how it ended and when the session appeared.
 */
function killAt(args, box, ms, afterSession) {
	return new Promise((resolve) => {
		const started = performance.now();
		const child = spawn(process.execPath, [bin, ...args], {
			stdio: "ignore",
			env: { ...process.env, NO_COLOR: "1" },
		});
		let appeared;
		let timer;
		const poll = setInterval(() => {
			if (appeared !== undefined || sessionIds(box.sessions).length === 0) return;
			appeared = performance.now() - started;
			if (afterSession) timer = setTimeout(() => child.kill("SIGKILL"), ms);
		}, 5);
		if (!afterSession && ms !== undefined) timer = setTimeout(() => child.kill("SIGKILL"), ms);
		child.on("exit", (code, signal) => {
			clearInterval(poll);
			clearTimeout(timer);
			resolve({ code, signal, appeared, ms: performance.now() - started });
		});
	});
}

// How long an uninterrupted run takes, and when its session appears: the kills land anywhere in it.
const calibration = sandbox();
const clean = await killAt(runArgs(calibration), calibration, undefined, false);
if (clean.code !== 0 || clean.appeared === undefined) {
	console.error(
		`an uninterrupted run failed (exit ${clean.code}); run it by hand: node dist/cli.cjs ${runArgs(calibration).join(" ")}`,
	);
	process.exit(1);
}
const fullMs = clean.ms;
const appearMs = clean.appeared;
rmSync(calibration.work, { recursive: true, force: true });

const random = seededRandom(seed);
const counts = {
	"killed before a session existed": 0,
	"killed after the run ended": 0,
	"killed in the middle of a step": 0,
	"verify failures": 0,
	"resumes that did not reach GO": 0,
	"completed steps lost": 0,
	"completed steps re-run": 0,
	"torn files": 0,
	"temp files left": 0,
};
const problems = [];
console.log(
	`crash torture: ${runs} runs, seed ${seed}; an uninterrupted run takes ${Math.round(fullMs)} ms, its session appears after ${Math.round(appearMs)} ms`,
);
for (let run = 0; run < runs; run++) {
	const box = sandbox();
	// One kill in ten while the session is being created, the others while it runs.
	const early = random() < 0.1;
	const at = Math.round(random() * (early ? appearMs : fullMs - appearMs));
	const where = `run ${run} (killed ${at} ms after ${early ? "the start" : "the session appeared"})`;
	const ended = await killAt(runArgs(box), box, at, !early);
	const [id] = sessionIds(box.sessions);
	if (!id) {
		counts["killed before a session existed"]++;
		const left = tempFiles(box.sessions);
		// The next start in the same folder removes what the killed creation left.
		cli(runArgs(box));
		const after = tempFiles(box.sessions);
		counts["temp files left"] += after.length;
		if (after.length > 0) problems.push(`${where}: left ${after.join(", ")} (had ${left.length})`);
		if (!keep) rmSync(box.work, { recursive: true, force: true });
		continue;
	}
	if (ended.signal !== "SIGKILL") counts["killed after the run ended"]++;
	const torn = tornFiles(box, id);
	counts["torn files"] += torn.length;
	if (torn.length > 0) problems.push(`${where}: torn ${torn.join(", ")}`);
	const verified = cli(["verify", id, "--sessions-dir", box.sessions]);
	if (verified.status !== 0) {
		counts["verify failures"]++;
		problems.push(`${where}: verify: ${verified.stderr.trim()}`);
	}
	const events = records(box.sessions, id);
	const before = doneSteps(events);
	const last = events.findLast((event) => event.type === "step.started");
	if (last && !before.has(last.data.stepId)) counts["killed in the middle of a step"]++;
	const startsBefore = starts(box.app);
	const all = records(box.sessions, id)[0]?.data.steps.map((step) => step.id) ?? [];
	let resumedOk = all.every((step) => before.has(step));
	if (!resumedOk) {
		const resumed = cli([
			"resume",
			id,
			"--answers",
			join(box.work, "answers.yaml"),
			"--sessions-dir",
			box.sessions,
		]);
		resumedOk = resumed.status === 0 && resumed.stdout.includes("decision: GO");
		if (!resumedOk)
			problems.push(`${where}: resume exit ${resumed.status}: ${resumed.stdout}${resumed.stderr}`.trim());
	}
	const finished = doneSteps(records(box.sessions, id));
	if (resumedOk && !all.every((step) => finished.get(step) === "passed")) resumedOk = false;
	if (!resumedOk) counts["resumes that did not reach GO"]++;
	const after = doneSteps(records(box.sessions, id));
	const startsAfter = starts(box.app);
	for (const [step, status] of before) {
		if (after.get(step) !== status) {
			counts["completed steps lost"]++;
			problems.push(
				`${where}: ${step} was ${status} before the kill, ${after.get(step) ?? "not done"} after the resume`,
			);
		}
		if (step in startsAfter && startsAfter[step] !== startsBefore[step]) {
			counts["completed steps re-run"]++;
			problems.push(`${where}: ${step} was done before the kill and ran again`);
		}
	}
	const tornAfter = tornFiles(box, id);
	counts["torn files"] += tornAfter.length;
	const verifiedAfter = cli(["verify", id, "--sessions-dir", box.sessions]);
	if (verifiedAfter.status !== 0) {
		counts["verify failures"]++;
		problems.push(`${where}: verify after resume: ${verifiedAfter.stderr.trim()}`);
	}
	const left = [...tempFiles(box.sessions), ...tempFiles(box.app)];
	counts["temp files left"] += left.length;
	if (left.length > 0) problems.push(`${where}: left ${left.join(", ")}`);
	if (!keep) rmSync(box.work, { recursive: true, force: true });
}
for (const problem of problems) console.log(`  ${problem}`);
console.log(`N = ${runs} (seed ${seed})`);
for (const [name, count] of Object.entries(counts)) console.log(`${name.padEnd(34)} ${count}`);
const failed = [
	"verify failures",
	"resumes that did not reach GO",
	"completed steps lost",
	"completed steps re-run",
	"torn files",
	"temp files left",
].some((name) => counts[name] > 0);
rmSync(installed, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
