import { openSession } from "../engine/open-session.js";
import { systemClock } from "../steps/context.js";
import { readAnswers, sayWaiting, sessionToOpen } from "./reopen.js";
import type { RunFlags } from "./run.js";

/**
 * `rollout resume [session] --answers <file>`: walks on from the first unfinished step,
 * unattended. A session with nothing left to walk is refused as soon as its log is read and
 * checked: the engine and what runs steps are loaded only for a session that goes on.
 */
export async function resumeSession(
	idOrPrefix: string | undefined,
	sessionsDir: string,
	flags: RunFlags,
): Promise<number> {
	const answers = readAnswers(flags.answers);
	const id = sessionToOpen(idOrPrefix, sessionsDir);
	const store = await openSession(
		sessionsDir,
		id,
		{ now: () => systemClock.now(), onWait: sayWaiting },
		true,
	);
	const { resumeOpened } = await import("./run.js");
	return resumeOpened(store, answers, flags);
}
