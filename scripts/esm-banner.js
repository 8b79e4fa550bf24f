/** Bundled CommonJS dependencies still use require, __filename and __dirname: give every ESM chunk its own. */
export const esmBanner = [
	'import { createRequire as __createRequire } from "node:module";',
	'import { fileURLToPath as __fileURLToPath } from "node:url";',
	'import { dirname as __pathDirname } from "node:path";',
	"const require = __createRequire(import.meta.url);",
	"const __filename = __fileURLToPath(import.meta.url);",
	"const __dirname = __pathDirname(__filename);",
].join(" ");
