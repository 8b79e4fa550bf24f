import { existsSync } from "node:fs";
import { writeFileAtomicSync } from "../../session/atomic.js";
import { type EditResult, encodeBytes, flagPath, type Previous, sameValue } from "./edit.js";
import { EDITORS, notWritable, readText } from "./flag.js";

/** A flag change to undo, as the rollback plan records it. */
export interface FlagRevert {
	readonly file: string;
	readonly format: "yaml" | "json" | "env";
	readonly key: string;
	/** The value the rollout wrote. */
	readonly current: unknown;
	readonly previous: Previous;
}

/** How undoing a flag change ended. */
export interface RevertResult {
	readonly status: "done" | "already" | "skipped" | "failed";
	readonly detail?: string;
}

/**
 * Puts a flag back as it was before the rollout. When the file still holds the exact bytes
 * the rollout wrote, the bytes it replaced go back (the file is then byte for byte what it
 * was); otherwise the previous value is written through the editor.
 */
export function revertFlag(action: FlagRevert, dryRun: boolean): RevertResult {
	if (!existsSync(action.file)) return { status: "failed", detail: `${action.file} does not exist` };
	const reverted = revertText(readText(action.file), action);
	if (reverted.status !== "done") return reverted;
	const locked = notWritable(action.file);
	if (locked) return { status: "failed", detail: locked };
	if (dryRun) return { status: "skipped", detail: "dry run" };
	writeFileAtomicSync(action.file, encodeBytes(reverted.text));
	return { status: "done" };
}

/** The text with the flag put back, or why not; `already` when it holds the previous value. */
export function revertText(
	text: string,
	action: Omit<FlagRevert, "file">,
): (RevertResult & { status: "already" | "failed" }) | { status: "done"; text: string } {
	const splice = action.previous.splice;
	const path = splice?.path ?? flagPath(action.key);
	const editor = EDITORS[action.format];
	const located = editor.locate(text, path, splice?.document);
	if (!located.ok) return { status: "failed", detail: located.reason };
	if (
		action.previous.present
			? located.present && sameValue(located.value, action.previous.value)
			: !located.present
	)
		return { status: "already", detail: "the value is already the one before the rollout" };
	const found = located.present ? located.value : undefined;
	if (!located.present || !wroteThat(found, action.current)) {
		return {
			status: "failed",
			detail: `${action.key} is now ${located.present ? JSON.stringify(found) : "absent"}, not the ${JSON.stringify(action.current)} the rollout wrote: left as it is`,
		};
	}
	const at = splice ? located.start - splice.lead : -1;
	const exact = splice && at >= 0 && text.startsWith(splice.inserted, at);
	const result: EditResult = exact
		? {
				ok: true,
				text: `${text.slice(0, at)}${splice.deleted}${text.slice(at + splice.inserted.length)}`,
				previous: { present: true, value: found },
				noop: false,
			}
		: action.previous.present
			? editor.edit(text, path, action.previous.value as never, false, splice?.document)
			: editor.remove(text, path, splice?.document);
	if (!result.ok) return { status: "failed", detail: result.reason };
	const check = editor.locate(result.text, path, splice?.document);
	const restored = action.previous.present
		? check.ok && check.present && sameValue(check.value, action.previous.value)
		: check.ok && !check.present;
	if (!restored)
		return { status: "failed", detail: `could not put ${action.key} back; restore the file from its backup` };
	return { status: "done", text: result.text };
}

/** Whether the file holds what the rollout wrote; an env file holds every value as text, null as empty. */
function wroteThat(found: unknown, current: unknown): boolean {
	return sameValue(found, current) || String(found) === String(current) || (current === null && found === "");
}
