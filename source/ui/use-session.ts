import { useSyncExternalStore } from "react";
import type { Engine } from "../engine/engine.js";
import type { SessionState } from "../session/reduce.js";

/** The session as the engine last recorded it; the calling screen redraws after every event. */
export function useSession(engine: Engine): SessionState {
	return useSyncExternalStore(engine.subscribe, engine.getSnapshot).state;
}
