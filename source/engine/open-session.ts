/**
 * Opening a session to go on with it, apart from the engine: a resume that finds nothing left
 * to walk is refused before the engine, its runners and the checklist schema are loaded, and
 * before anything is written into the session.
 */
import { join } from "node:path";
import type { Checklist } from "../checklist/schema.js";
import { OperatorError } from "../errors.js";
import { sessionData } from "../report/session-data.js";
import type { SessionRecord } from "../session/events.js";
import type { SessionState } from "../session/reduce.js";
import { listingStatus, nextToWalk } from "../session/rules.js";
import { SessionStore, type StoreOptions } from "../session/store.js";

/**
 * Takes the session's lock and reads it, checked. `toWalk`: to walk on from its first unfinished
 * step, so a session with none left is refused, and nothing is recorded in it.
 */
export function openSession(
	sessionsDir: string,
	id: string,
	options: StoreOptions,
	toWalk: boolean,
): Promise<SessionStore> {
	return SessionStore.open(
		sessionsDir,
		id,
		options,
		toWalk
			? (records, state) => {
					recordedChecklist(id, join(sessionsDir, id), records, state);
					if (!nextToWalk(state)) throw new OperatorError(endedMessage(id, state));
				}
			: undefined,
	);
}

/** The checklist the session ran, as its log holds it; a session without one cannot be resumed. */
export function recordedChecklist(
	id: string,
	dir: string,
	records: readonly SessionRecord[],
	state: SessionState,
): Checklist {
	const { definition } = sessionData(dir, records, state);
	if (!definition || typeof definition !== "object" || !("phases" in definition)) {
		throw new OperatorError(`session ${id} does not hold its checklist; it cannot be resumed`);
	}
	return definition;
}

/** What a resume of a session with nothing left to walk says. */
export function endedMessage(id: string, state: SessionState): string {
	return `session ${id} has ended (${listingStatus(state)}); export it with: rollout export ${id} --format md`;
}
