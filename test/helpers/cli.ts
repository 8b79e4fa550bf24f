import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const BIN = fileURLToPath(new URL("../../dist/cli.cjs", import.meta.url));

export interface CliResult {
	readonly code: number | null;
	readonly stdout: string;
	readonly stderr: string;
}

/** Runs the built `rollout` bin with no TTY, as CI would. */
export function runCli(
	args: readonly string[],
	options: { cwd?: string; env?: Record<string, string | undefined> } = {},
): CliResult {
	const env: Record<string, string | undefined> = { ...process.env, ...options.env };
	for (const [key, value] of Object.entries(env)) if (value === undefined) delete env[key];
	const result = spawnSync(process.execPath, [BIN, ...args], {
		cwd: options.cwd ?? ROOT,
		env: env as NodeJS.ProcessEnv,
		encoding: "utf8",
		stdio: ["ignore", "pipe", "pipe"],
	});
	return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
