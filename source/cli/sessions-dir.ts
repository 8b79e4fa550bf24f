import { resolve } from "node:path";

/** Sessions dir: `--sessions-dir` > ROLLOUT_SESSIONS_DIR > the config's sessionsDir > ./sessions. */
export async function resolveSessionsDir(flag: string | undefined): Promise<string> {
	if (flag) return resolve(flag);
	if (process.env.ROLLOUT_SESSIONS_DIR) return resolve(process.env.ROLLOUT_SESSIONS_DIR);
	const { readConfig } = await import("./config-store.js");
	const configured = readConfig().sessionsDir;
	return resolve(configured ?? "sessions");
}
