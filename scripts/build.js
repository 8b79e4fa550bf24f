// Bundles the CLI so start-up loads a few files instead of resolving hundreds of modules.
import { readFileSync, rmSync } from "node:fs";
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
// The core: every command, one CommonJS file run by the launcher with V8 code cache.
await build({
	...common,
	entryPoints: ["source/cli.tsx"],
	outfile: "dist/core.cjs",
	format: "cjs",
	define: { PACKAGE_VERSION: JSON.stringify(packageJson.version) },
	plugins: [lazyChildProcessInCommander()],
});
// The wizard: Ink and React, an ES module of its own (Ink awaits at the top level), loaded
// only by the commands that draw screens. CommonJS dependencies inside it need `require`.
await build({
	...common,
	entryPoints: ["source/ui/main.tsx"],
	outfile: "dist/ui.js",
	format: "esm",
	define: { PACKAGE_VERSION: JSON.stringify(packageJson.version) },
	// Ink connects to React DevTools only when DEV=true; the package is not shipped.
	plugins: [stub("react-devtools-core"), yogaWithoutFetch()],
	banner: {
		js: [
			'import { createRequire as __createRequire } from "node:module";',
			'import { fileURLToPath as __fileURLToPath } from "node:url";',
			"const require = __createRequire(import.meta.url);",
			"const __filename = __fileURLToPath(import.meta.url);",
			'const __dirname = __fileURLToPath(new URL(".", import.meta.url));',
		].join("\n"),
	},
});
// The bin: a few lines that load the core through the code cache. CommonJS, which Node starts
// sooner than an ES module; its import() of the wizard's bundle is kept as is.
await build({
	...common,
	entryPoints: ["source/launcher.ts"],
	outfile: "dist/cli.cjs",
	format: "cjs",
	supported: { "dynamic-import": true },
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
 * Ink's layout engine (yoga) carries its WebAssembly as a data: URL and, where fetch exists,
 * reads it through fetch, which loads Node's whole HTTP client first (~60 ms before the first
 * frame). Its own base64 path gives the same bytes: it is always taken. A yoga whose loader
 * reads otherwise fails the build.
 */
function yogaWithoutFetch() {
	const check = '"function"!=typeof fetch';
	return {
		name: "yoga-without-fetch",
		setup(builder) {
			builder.onLoad(
				{ filter: /[\\/]yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/ },
				({ path }) => {
					const text = readFileSync(path, "utf8");
					if (text.split(check).length !== 3) throw new Error(`${path} no longer reads: ${check} (twice)`);
					return { contents: text.replaceAll(check, "true"), loader: "js" };
				},
			);
		},
	};
}

/** Resolves a package to an empty module, for optional imports that are never taken. */
function stub(name) {
	return {
		name: `stub-${name}`,
		setup(builder) {
			builder.onResolve({ filter: new RegExp(`^${name}$`) }, () => ({ path: name, namespace: "stub" }));
			builder.onLoad({ filter: /.*/, namespace: "stub" }, () => ({ contents: "export default {};" }));
		},
	};
}
