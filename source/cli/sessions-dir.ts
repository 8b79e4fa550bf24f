import { dirname, resolve } from "node:path";
import { readConfig } from "./config-store.js";

/** Sessions dir: `--sessions-dir` > ROLLOUT_SESSIONS_DIR > the config's sessionsDir > ./sessions. */
export async function resolveSessionsDir(flag: string | undefined): Promise<string> {
	return defaultSessionsDir(flag);
}

function defaultSessionsDir(flag?: string): string {
	if (flag) return resolve(flag);
	if (process.env.ROLLOUT_SESSIONS_DIR) return resolve(process.env.ROLLOUT_SESSIONS_DIR);
	return resolve(readConfig().sessionsDir ?? "sessions");
}

/**
 * The command that continues a session, as it works when pasted here: with `--sessions-dir`
 * when a plain `rollout resume` would look elsewhere, and any options given (`--answers …`).
 */
export function resumeHint(sessionDir: string, id: string, extra: readonly string[] = []): string {
	const dir = dirname(sessionDir);
	const where = dir === defaultSessionsDir() ? [] : ["--sessions-dir", dir];
	return ["rollout", "resume", id, ...extra, ...where].map(shellWord).join(" ");
}

function shellWord(text: string): string {
	return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}
