// Bundles the CLI so start-up loads a few files instead of resolving hundreds of modules.
// Commands that draw a UI load it through a dynamic import, which lands in its own chunk.
import { readFileSync, rmSync } from "node:fs";
import { build } from "esbuild";
import { esmBanner } from "./esm-banner.js";

const packageJson = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
rmSync(new URL("../dist", import.meta.url), { recursive: true, force: true });
await build({
	entryPoints: { cli: "source/cli.tsx" },
	outdir: "dist",
	bundle: true,
	splitting: true,
	format: "esm",
	platform: "node",
	target: "node20",
	minify: true,
	legalComments: "none",
	chunkNames: "chunks/[name]-[hash]",
	banner: { js: esmBanner },
	jsx: "automatic",
	define: { PACKAGE_VERSION: JSON.stringify(packageJson.version) },
	logLevel: "warning",
});
