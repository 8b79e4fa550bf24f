import { join } from "node:path";
import { useEffect, useState } from "react";
import { logEnd } from "../engine/engine.js";

/** Where an interrupted step's log ended, read once when its details open, not while drawing. */
export function useLogEnd(dir: string, stepId: string | undefined) {
	const [end, setEnd] = useState<{ file: string; lines: string[] }>();
	useEffect(() => {
		if (!stepId) return setEnd(undefined);
		const file = join(dir, "logs", `${stepId}.log`);
		const lines = logEnd(file, 4);
		setEnd(lines.length > 0 ? { file, lines } : undefined);
	}, [dir, stepId]);
	return end;
}
