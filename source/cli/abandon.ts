import { Engine } from "../engine/engine.js";
import { resolveSessionId } from "../session/ids.js";
import { EXIT, OperatorError } from "./output.js";

/** `rollout abandon <session> --reason …`: gives an unfinished session up, on the record; it is frozen from then on. */
export async function abandon(
	sessionsDir: string,
	idOrPrefix: string,
	reason: string | undefined,
): Promise<number> {
	if (!reason?.trim()) throw new OperatorError('abandon needs a written reason: --reason "…"', EXIT.usage);
	const engine = await Engine.resume({
		sessionsDir,
		id: resolveSessionId(sessionsDir, idOrPrefix),
		checkChecklist: false,
	});
	try {
		engine.abandon(reason);
	} finally {
		await engine.close("abandoned");
	}
	process.stdout.write(`abandoned ${engine.id}: ${reason.trim()} — record: ${engine.dir}/signoff.md\n`);
	return EXIT.ok;
}
