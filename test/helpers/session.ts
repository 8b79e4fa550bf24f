import { spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildSync } from "esbuild";
import type { SessionEvent } from "../../source/session/events.js";
import { SessionStore, type StoreOptions } from "../../source/session/store.js";
import { tempDir } from "./temp.js";

/** A `session.started` event for a small three-step checklist. */
export function startedEvent(
	id = "20261123-091500-demo-ab12",
): Extract<SessionEvent, { type: "session.started" }> {
	return {
		type: "session.started",
		data: {
			id,
			checklist: {
				id: "demo",
				title: "Demo rollout",
				version: "1.0.0",
				file: "checklists/demo.yaml",
				sha256: "f".repeat(64),
			},
			vars: { repo: "." },
			operator: "Dana Ops",
			host: "build-01",
			user: "dana",
			dryRun: false,
			cwd: "/srv/app",
			overrides: {},
			definition: {},
			steps: [
				{ id: "backup", kind: "backup", title: "Back up", phase: "pre", critical: true },
				{ id: "tests", kind: "command", title: "Tests", phase: "pre", critical: true },
				{ id: "decision", kind: "decision", title: "Go / No-Go", phase: "end", critical: false },
			],
		},
	};
}

/** A clock that moves one second per reading, from a fixed start. */
export function steppingClock(start = Date.parse("2026-11-23T09:15:00Z")): () => Date {
	let now = start;
	return () => {
		now += 1000;
		return new Date(now);
	};
}

/** Creates a session with a few events and closes it; returns where it lives. */
export async function makeSession(
	sessionsDir: string,
	id = "20261123-091500-demo-ab12",
	options: StoreOptions = {},
): Promise<string> {
	const store = await SessionStore.create(sessionsDir, id, startedEvent(id), {
		now: steppingClock(),
		...options,
	});
	store.append({ type: "step.started", data: { stepId: "backup", attempt: 1 } });
	store.append({ type: "step.finished", data: { stepId: "backup", status: "passed" } });
	store.append({ type: "step.started", data: { stepId: "tests", attempt: 1 } });
	await store.close();
	return join(sessionsDir, id);
}

/** Bundled CommonJS dependencies still use require and __filename: give the ES module bundle its own. */
export const ESM_BANNER = [
	'import { createRequire as __createRequire } from "node:module";',
	'import { fileURLToPath as __fileURLToPath } from "node:url";',
	"const require = __createRequire(import.meta.url);",
	"const __filename = __fileURLToPath(import.meta.url);",
].join(" ");

/**
 * Opens a session in another real process, which holds its lock until killed.
 * Resolves once the child says it holds the lock.
 */
export async function holdSessionInChild(sessionsDir: string, id: string) {
	const holderScript = join(tempDir("rollout-holder-"), "hold.mjs");
	buildSync({
		stdin: {
			contents: `import { SessionStore } from ${JSON.stringify(fileURLToPath(new URL("../../source/session/store.ts", import.meta.url)))};
const store = await SessionStore.open(process.argv[2], process.argv[3]);
process.stdout.write("locked\\n");
// "stall <ms>": block the event loop that long (as a long synchronous edit does), then append.
process.stdin.on("data", (chunk) => {
	const ms = Number(/stall (\\d+)/.exec(String(chunk))?.[1]);
	if (!ms) return;
	const until = Date.now() + ms;
	while (Date.now() < until) {}
	try {
		store.append({ type: "session.closed", data: { reason: "after a stall" } });
		process.stdout.write("appended\\n");
	} catch (error) {
		process.stdout.write("refused: " + error.message + "\\n");
	}
});
setInterval(() => {}, 1000);`,
			resolveDir: fileURLToPath(new URL(".", import.meta.url)),
			loader: "ts",
		},
		bundle: true,
		platform: "node",
		format: "esm",
		outfile: holderScript,
		banner: { js: ESM_BANNER },
		logLevel: "error",
	});
	const child = spawn(process.execPath, [holderScript, sessionsDir, id], {
		stdio: ["pipe", "pipe", "pipe"],
	});
	let stderr = "";
	child.stderr.on("data", (chunk) => {
		stderr += chunk;
	});
	await new Promise<void>((resolve, reject) => {
		child.stdout.on("data", (chunk: Buffer) => {
			if (chunk.toString().includes("locked")) resolve();
		});
		child.on("exit", (code) => reject(new Error(`holder exited with ${code}: ${stderr}`)));
	});
	return child;
}
