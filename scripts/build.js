// Bundles the CLI so start-up loads a few files instead of resolving hundreds of modules.
import { readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { build } from "esbuild";

const packageJson = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
rmSync(new URL("../dist", import.meta.url), { recursive: true, force: true });
const common = {
	bundle: true,
	platform: "node",
	target: "node20",
	minify: true,
	legalComments: "none",
	// ASCII only (esbuild's default, pinned): the bin reads the core as Latin-1, a plain copy.
	charset: "ascii",
	jsx: "automatic",
	// Prefer ES module builds: some packages' CommonJS builds are UMD wrappers a bundler cannot follow.
	mainFields: ["module", "main"],
	logLevel: "warning",
};
// One CommonJS file for every command, run by the launcher with V8 code cache. The screens (Ink
// and React) are imported dynamically: bundled in, and evaluated only by the commands that draw.
await build({
	...common,
	entryPoints: ["source/cli.tsx"],
	outfile: "dist/core.cjs",
	format: "cjs",
	define: {
		PACKAGE_VERSION: JSON.stringify(packageJson.version),
		// React's production build: its development build (checks and warnings for developers of
		// components) would add 270 KB to the bundle and draws slower.
		"process.env.NODE_ENV": JSON.stringify("production"),
	},
	plugins: [lazyChildProcessInCommander(), inkWithoutTopLevelAwait(), yogaLoadedAtOnce()],
	// import.meta is empty in CommonJS: a module that reads it fails the build, not the operator.
	logOverride: { "empty-import-meta": "error" },
});
// The bin: a few lines that load the core through the code cache. CommonJS, which Node starts
// sooner than an ES module.
await build({
	...common,
	entryPoints: ["source/launcher.ts"],
	outfile: "dist/cli.cjs",
	format: "cjs",
});

/**
 * Commander loads node:child_process (and with it net and dgram, ~7 ms) for subcommands that are
 * programs of their own, which rollout has none of: it is loaded on first use instead, so verify,
 * list and export start without it. A commander whose line reads otherwise fails the build.
 */
function lazyChildProcessInCommander() {
	const eager = "const childProcess = require('node:child_process');";
	return {
		name: "lazy-child-process-in-commander",
		setup(builder) {
			builder.onLoad({ filter: /[\\/]commander[\\/]lib[\\/]command\.js$/ }, ({ path }) => {
				const text = readFileSync(path, "utf8");
				if (!text.includes(eager)) throw new Error(`${path} no longer reads: ${eager}`);
				const lazy =
					"let loadedChildProcess; const childProcess = new Proxy({}, { get: (_, key) => (loadedChildProcess ??= require('node:child_process'))[key] });";
				return { contents: text.replace(eager, lazy), loader: "js" };
			});
		},
	};
}

/**
 * Ink awaits at its top level only when DEV=true (to reach React DevTools, not shipped), which a
 * CommonJS bundle cannot hold: both awaits are taken out, so DEV=true changes nothing, and the
 * package.json reader only they used no longer reads import.meta. An Ink whose lines read
 * otherwise fails the build.
 */
function inkWithoutTopLevelAwait() {
	const devtools = "await import('./devtools.js');";
	const packageJson = "? await loadPackageJson()";
	const packageJsonUrl = "new URL('../package.json', import.meta.url)";
	return {
		name: "ink-without-top-level-await",
		setup(builder) {
			builder.onLoad({ filter: /[\\/]ink[\\/]build[\\/]reconciler\.js$/ }, ({ path }) => {
				const text = readFileSync(path, "utf8");
				for (const line of [devtools, packageJson, packageJsonUrl])
					if (text.split(line).length !== 2) throw new Error(`${path} no longer reads: ${line} (once)`);
				return {
					contents: text
						.replace(devtools, "void 0;")
						.replace(packageJson, "? {}")
						.replace(packageJsonUrl, "'package.json'"),
					loader: "js",
				};
			});
		},
	};
}

/**
 * Ink's layout engine (yoga) awaits its WebAssembly at the top level, and would read it from a
 * data: URL through fetch (Node's whole HTTP client, ~60 ms). Here its module is compiled and
 * started at once, through Emscripten's own instantiateWasm hook, from the same bytes: the data
 * URL's base64, taken out of the loader at build time (the loader keeps an empty one). A yoga
 * whose files read otherwise fails the build.
 */
function yogaLoadedAtOnce() {
	const prefix = "data:application/octet-stream;base64,";
	const dataUrl = new RegExp(`"${prefix}([A-Za-z0-9+/=]+)"`);
	const awaited = "const Yoga = wrapAssembly(await loadYoga());";
	const loader = /[\\/]yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/;
	// The loader finds its own folder only to fetch the WebAssembly, which instantiateWasm replaces.
	const ownUrl = "var _scriptDir = import.meta.url;";
	const readLoader = (path) => {
		const text = readFileSync(path, "utf8");
		const found = text.match(dataUrl);
		if (!found || !text.includes("h.instantiateWasm(d,\na)") || !text.includes(ownUrl))
			throw new Error(`${path} no longer holds its WebAssembly as a data: URL read through instantiateWasm`);
		return { text, found };
	};
	return {
		name: "yoga-loaded-at-once",
		setup(builder) {
			builder.onLoad({ filter: loader, namespace: "file" }, ({ path }) => {
				const { text, found } = readLoader(path);
				return {
					contents: text.replace(found[0], `"${prefix}"`).replace(ownUrl, "var _scriptDir = undefined;"),
					loader: "js",
				};
			});
			builder.onLoad({ filter: /[\\/]yoga-layout[\\/]dist[\\/]src[\\/]index\.js$/ }, ({ path }) => {
				const text = readFileSync(path, "utf8");
				if (!text.includes(awaited)) throw new Error(`${path} no longer reads: ${awaited}`);
				const atOnce = `let yogaFailure;
const yogaModule = {
	instantiateWasm(imports, started) {
		try {
			const instance = new WebAssembly.Instance(new WebAssembly.Module(yogaBytes()), imports);
			started(instance);
			return instance.exports;
		} catch (error) {
			yogaFailure = error;
			throw error;
		}
	},
	// Emscripten would print a failure; it is thrown below, with its cause.
	printErr() {},
};
// Its promise settles as the module does; a failure is thrown just below.
loadYoga(yogaModule).catch(() => {});
if (!yogaModule.Node)
	throw new Error("the layout engine (yoga) did not start" + (yogaFailure ? ": " + yogaFailure.message : ""), {
		cause: yogaFailure,
	});
const Yoga = wrapAssembly(yogaModule);`;
				return {
					contents: `import yogaBytes from "yoga-wasm-bytes";\n${text.replace(awaited, atOnce)}`,
					loader: "js",
				};
			});
			// The bytes, from the loader's data URL (resolved beside the index that imports them).
			builder.onResolve({ filter: /^yoga-wasm-bytes$/ }, ({ importer }) => ({
				path: join(dirname(importer), "../binaries/yoga-wasm-base64-esm.js"),
				namespace: "yoga-bytes",
			}));
			builder.onLoad({ filter: /.*/, namespace: "yoga-bytes" }, ({ path }) => {
				const { found } = readLoader(path);
				return { contents: `export default () => Buffer.from("${found[1]}", "base64");`, loader: "js" };
			});
		},
	};
}
