import { join, resolve } from "node:path";
import { buildReport } from "../report/model.js";
import { readSessionData } from "../report/session-data.js";
import { EXPORT_NAMES, FORMATS, type Format, render } from "../report/write.js";
import { writeFileAtomicSync } from "../session/atomic.js";
import { resolveSessionId } from "../session/ids.js";
import { CliError, EXIT } from "./output.js";

/** `rollout export <session> --format md|html|json|junit [--out <file>|-]`. */
export function exportSession(
	sessionsDir: string,
	idOrPrefix: string,
	flags: { format: string; out?: string },
): number {
	if (!FORMATS.includes(flags.format as Format)) {
		throw new CliError(`--format is one of ${FORMATS.join(", ")}, not "${flags.format}"`, EXIT.usage);
	}
	const id = resolveSessionId(sessionsDir, idOrPrefix);
	const dir = join(sessionsDir, id);
	let data: ReturnType<typeof readSessionData>;
	try {
		data = readSessionData(dir);
	} catch (error) {
		throw new CliError((error as Error).message, EXIT.failed);
	}
	const text = render(buildReport(data), flags.format as Format);
	if (flags.out === "-") {
		process.stdout.write(text);
		return EXIT.ok;
	}
	const out = resolve(flags.out ?? join(dir, EXPORT_NAMES[flags.format as Format]));
	writeFileAtomicSync(out, text);
	process.stdout.write(
		`wrote ${out}${data.state.status === "in progress" ? " (the session is unfinished)" : ""}\n`,
	);
	return EXIT.ok;
}
