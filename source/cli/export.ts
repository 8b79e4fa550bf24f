import { join, resolve } from "node:path";
import { buildReport } from "../report/model.js";
import { readSessionData } from "../report/session-data.js";
import { FORMATS, type Format, render, writeExport } from "../report/write.js";
import { resolveSessionId } from "../session/ids.js";
import { listingStatus } from "../session/rules.js";
import { EXIT, OperatorError } from "./output.js";

/** `rollout export <session> --format md|html|json|junit [--out <file>|-]`. */
export function exportSession(
	sessionsDir: string,
	idOrPrefix: string,
	flags: { format: string; out?: string },
): number {
	if (!FORMATS.includes(flags.format as Format)) {
		throw new OperatorError(`--format is one of ${FORMATS.join(", ")}, not "${flags.format}"`, EXIT.usage);
	}
	const id = resolveSessionId(sessionsDir, idOrPrefix);
	const dir = join(sessionsDir, id);
	let data: ReturnType<typeof readSessionData>;
	try {
		data = readSessionData(dir);
	} catch (error) {
		throw new OperatorError((error as Error).message, EXIT.failed);
	}
	if (flags.out === "-") {
		process.stdout.write(render(buildReport(data), flags.format as Format));
		return EXIT.ok;
	}
	const out = writeTo(flags.out ? resolve(flags.out) : undefined, (path) =>
		writeExport(dir, data, flags.format as Format, path),
	);
	process.stdout.write(
		`wrote ${out}${listingStatus(data.state) === "in progress" ? " (the session is unfinished)" : ""}\n`,
	);
	return EXIT.ok;
}

/** Why a file cannot be written there, in the operator's words, for the reasons that are theirs to fix. */
const UNWRITABLE: Record<string, string> = {
	ENOENT: "its folder does not exist",
	ENOTDIR: "a part of its path is not a folder",
	EISDIR: "it is a folder",
	EACCES: "permission denied",
	EROFS: "the file system is read-only",
};

/** Writes the export, saying in one line why an --out path cannot take it (a usage error). */
function writeTo(out: string | undefined, write: (path: string | undefined) => string): string {
	try {
		return write(out);
	} catch (error) {
		const reason = UNWRITABLE[(error as NodeJS.ErrnoException).code ?? ""];
		if (out === undefined || reason === undefined) throw error;
		throw new OperatorError(`cannot write ${out}: ${reason}`, EXIT.usage);
	}
}
