#!/usr/bin/env node
/**
 * The bin. Node 20 has no compile cache of its own, and compiling the CLI's code
 * costs more than running it: this runs the bundled core through `vm.Script`
 * with V8 code cache kept per command, written after the first run of that
 * command so it holds every function the command used.
 * ROLLOUT_NO_COMPILE_CACHE=1 turns the cache off.
 */
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Script } from "node:vm";

const core = fileURLToPath(new URL("./core.cjs", import.meta.url));
const source = readFileSync(core, "utf8");
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

// Code run by vm.Script cannot import() on Node 20 without a flag, so the core gets an importer
// for the screens, an ES module it loads when a command draws them.
const script = new Script(
	`(function (exports, require, module, __filename, __dirname, __importModule) {${source}\n})`,
	{
		filename: core,
		cachedData,
	},
);
if (cacheFile && (!cachedData || script.cachedDataRejected)) {
	process.once("exit", () => saveCache(cacheFile, () => script.createCachedData()));
}
const module = { exports: {} };
const importModule = (url: string) => import(url);
script.runInThisContext()(module.exports, createRequire(core), module, core, dirname(core), importModule);

function cachePath(): string {
	const { size, mtimeMs } = statSync(core);
	const base = process.env.XDG_CACHE_HOME || join(homedir(), ".cache");
	const command = /^[a-z-]{1,20}$/.test(process.argv[2] ?? "") ? process.argv[2] : "main";
	return join(base, "rollout", `${process.version}-${size}-${Math.round(mtimeMs)}-${command}.bin`);
}

function saveCache(file: string, create: () => Buffer): void {
	try {
		mkdirSync(dirname(file), { recursive: true });
		const temp = `${file}.${process.pid}`;
		writeFileSync(temp, create());
		renameSync(temp, file);
	} catch {
		// A cache that cannot be written only costs speed.
	}
}
