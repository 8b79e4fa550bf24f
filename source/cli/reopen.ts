import { type Answers, AnswersError, loadAnswers } from "../engine/answers.js";
import { resolveSessionId } from "../session/ids.js";
import { newestUnfinished } from "../session/inspect.js";
import { EXIT, OperatorError } from "./output.js";

/** What the unattended commands share to take up a session: its answers, which session, a word while waiting for it. */

export function readAnswers(file: string): Answers {
	try {
		return loadAnswers(file);
	} catch (error) {
		if (error instanceof AnswersError) throw new OperatorError(error.message, EXIT.usage);
		throw error;
	}
}

/** The session named (an id or a unique prefix of one), or else the newest unfinished one. */
export function sessionToOpen(idOrPrefix: string | undefined, sessionsDir: string): string {
	const id = idOrPrefix ? resolveSessionId(sessionsDir, idOrPrefix) : newestUnfinished(sessionsDir);
	if (!id) throw new OperatorError(`no unfinished session in ${sessionsDir}`, EXIT.usage);
	return id;
}

export function sayWaiting(message: string): void {
	process.stderr.write(`${message}\n`);
}
