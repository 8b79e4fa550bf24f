import { join } from "node:path";
import { resolveSessionId } from "../session/ids.js";
import { verifySession } from "../session/inspect.js";
import { colorsFor, EXIT } from "./output.js";

/** `rollout verify <session>`: exit 0 when the record is intact, 1 naming the first bad line. */
export function verify(sessionsDir: string, idOrPrefix: string): number {
	const id = resolveSessionId(sessionsDir, idOrPrefix);
	const report = verifySession(join(sessionsDir, id));
	const c = colorsFor(process.stdout);
	for (const note of report.notes) process.stdout.write(`${c.yellow("note")} ${note}\n`);
	if (!report.ok) {
		process.stderr.write(`${colorsFor(process.stderr).red("broken")} ${id}: ${report.problem}\n`);
		return EXIT.failed;
	}
	const count = report.backupsChecked;
	const backups =
		count > 0
			? `, ${count} ${count === 1 ? "backup matches its checksum" : "backups match their checksums"} in the log`
			: "";
	process.stdout.write(
		`${c.green("intact")} ${id}: ${report.events} events, chain verified, head ${report.head?.slice(0, 12)}${backups}\n`,
	);
	return EXIT.ok;
}
