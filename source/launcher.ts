#!/usr/bin/env node
/**
 * The bin. Node 20 has no compile cache of its own, and compiling the CLI's code
 * costs more than running it: this runs the bundled core through `vm.Script`
 * with V8 code cache kept per command, written after the first run of that
 * command so it holds every function the command used. The bin itself is
 * CommonJS: Node starts a CommonJS entry sooner than an ES module one.
 * ROLLOUT_NO_COMPILE_CACHE=1 turns the cache off.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { Script } from "node:vm";

// The command, as the code cache and the memory rule below tell commands apart: the first
// argument, or "main" when there is none or it is an option (the home screen, --help, or
// --no-color before a command).
const command = /^[a-z][a-z-]{0,19}$/.test(process.argv[2] ?? "") ? (process.argv[2] as string) : "main";

// V8 doubles its young generation as a command allocates, and every growth is fresh memory,
// which on some machines costs more than the collections it spares. A command that reads what
// is on disk and ends keeps it at its first size, so the same pages are reused: export and
// verify of a 12,000-event session take 5-10 % less time. A command that runs a rollout (or
// "main", which can be one) lives long enough for the growth to pay: a 1,000-step run is 10 %
// slower without it. The rule is set before anything is compiled, and is the same each time a
// command runs, as a code cache must find it.
const RUNS_A_ROLLOUT = new Set(["run", "start", "demo", "resume", "rollback", "followup", "main"]);
if (!RUNS_A_ROLLOUT.has(command)) setFlagsFromString("--semi-space-growth-factor=1");

const core = join(__dirname, "core.cjs");
// The core is ASCII (the build escapes everything else): read as Latin-1, a plain copy, not decoded.
const source = readFileSync(core, "latin1");
const useCache = !process.env.ROLLOUT_NO_COMPILE_CACHE;
const cacheFile = useCache ? cachePath() : undefined;
let cachedData: Buffer | undefined;
if (cacheFile) {
	try {
		cachedData = readFileSync(cacheFile);
	} catch {
		cachedData = undefined;
	}
}

const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
	filename: core,
	cachedData,
});
if (cacheFile && (!cachedData || script.cachedDataRejected)) {
	process.once("exit", () => saveCache(cacheFile, () => script.createCachedData()));
}
const module_ = { exports: {} };
script.runInThisContext()(module_.exports, createRequire(core), module_, core, dirname(core));

function cachePath(): string {
	const base = process.env.XDG_CACHE_HOME || join(homedir(), ".cache");
	return join(base, "rollout", `${buildName()}-${command}.bin`);
}

/** This build of the core, as cache files name it: Node's version, the core's size and time. */
function buildName(): string {
	const { size, mtimeMs } = statSync(core);
	return `${process.version}-${size}-${Math.round(mtimeMs)}`;
}

function saveCache(file: string, create: () => Buffer): void {
	try {
		mkdirSync(dirname(file), { recursive: true });
		const temp = `${file}.${process.pid}`;
		writeFileSync(temp, create());
		renameSync(temp, file);
		removeOtherBuilds(dirname(file));
	} catch {
		// A cache that cannot be written only costs speed.
	}
}

/**
 * Cache files of other builds are never read again: each build leaves a megabyte per command.
 * Those of this Node's earlier builds (an upgrade) go when this build writes its own; those of
 * another Node version go once unused for a month (it may still be in use beside this one).
 */
function removeOtherBuilds(folder: string): void {
	const current = `${buildName()}-`;
	const monthAgo = Date.now() - 30 * 24 * 60 * 60 * 1000;
	for (const name of readdirSync(folder)) {
		if (!/^v\d+\.\d+\.\d+-\d+-\d+-[a-z-]+\.bin$/.test(name) || name.startsWith(current)) continue;
		const path = join(folder, name);
		if (name.startsWith(`${process.version}-`) || statSync(path).mtimeMs < monthAgo)
			rmSync(path, { force: true });
	}
}
