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
});
// The bin: a few lines that load the core through the code cache.
await build({ ...common, entryPoints: ["source/launcher.ts"], outfile: "dist/cli.js", format: "esm" });
