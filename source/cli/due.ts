import { join } from "node:path";
import { type FollowupDue, followupsOf } from "../report/followups.js";
import { readSessionData } from "../report/session-data.js";
import { sessionIds } from "../session/ids.js";
import { colorsFor, EXIT } from "./output.js";

/** `rollout due`: follow-ups due or overdue across the sessions, soonest first. */
export function due(sessionsDir: string, flags: { json?: boolean; all?: boolean }): number {
	const now = new Date();
	const rows: FollowupDue[] = [];
	for (const id of sessionIds(sessionsDir)) {
		try {
			rows.push(...followupsOf(readSessionData(join(sessionsDir, id)), now));
		} catch {
			// A session that cannot be read is reported by rollout verify, not here.
		}
	}
	const shown = rows
		.filter((row) => flags.all || row.status === "due" || row.status === "overdue")
		.sort((a, b) => a.dueAt.localeCompare(b.dueAt));
	if (flags.json) {
		process.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
		return EXIT.ok;
	}
	if (shown.length === 0) {
		const upcoming = rows.filter((row) => row.status === "upcoming").length;
		process.stdout.write(
			`Nothing due.${upcoming > 0 ? ` ${upcoming} follow-up(s) upcoming (--all lists them).` : ""}\n`,
		);
		return EXIT.ok;
	}
	const c = colorsFor(process.stdout);
	const paint = { overdue: c.red, due: c.yellow, upcoming: c.dim, done: c.green };
	for (const row of shown) {
		process.stdout.write(
			`${paint[row.status](row.status.padEnd(8))} ${row.dueAt.slice(0, 16).replace("T", " ")}  ${row.followupId}: ${row.title}\n` +
				`  rollout followup ${row.sessionId} ${row.followupId} --answers <file>\n`,
		);
	}
	return EXIT.ok;
}
