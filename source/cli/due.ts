import { join } from "node:path";
import { type FollowupDue, followupsOf } from "../report/followups.js";
import { openWindowsOf, type WindowDue } from "../report/open-windows.js";
import { type ScheduledRollback, scheduledRollbacksOf } from "../report/scheduled-rollbacks.js";
import { readSessionData } from "../report/session-data.js";
import { sessionIds } from "../session/ids.js";
import { colorsFor, EXIT } from "./output.js";

/** `rollout due`: follow-ups, scheduled rollbacks and open observation windows across the sessions, soonest first. */
export function due(sessionsDir: string, flags: { json?: boolean; all?: boolean }): number {
	const now = new Date();
	const rows: (FollowupDue | ScheduledRollback | WindowDue)[] = [];
	for (const id of sessionIds(sessionsDir)) {
		try {
			const data = readSessionData(join(sessionsDir, id));
			rows.push(...followupsOf(data, now), ...scheduledRollbacksOf(data, now), ...openWindowsOf(data, now));
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
		const upcoming = rows.filter((row) => row.status === "upcoming" && !("kind" in row)).length;
		const rollbacks = rows.filter(
			(row) => row.status === "upcoming" && "kind" in row && row.kind === "rollback",
		).length;
		const listed = [
			upcoming > 0 ? `${upcoming} follow-up(s)` : "",
			rollbacks > 0 ? `${rollbacks} scheduled rollback(s)` : "",
		].filter(Boolean);
		process.stdout.write(
			`Nothing due.${listed.length > 0 ? ` ${listed.join(" and ")} upcoming (--all lists them).` : ""}\n`,
		);
		return EXIT.ok;
	}
	const c = colorsFor(process.stdout);
	const paint = { overdue: c.red, due: c.yellow, upcoming: c.dim, done: c.green };
	for (const row of shown) {
		const when = `${paint[row.status](row.status.padEnd(8))} ${row.dueAt.slice(0, 16).replace("T", " ")}`;
		process.stdout.write(
			!("kind" in row)
				? `${when}  ${row.followupId}: ${row.title}\n  rollout followup ${row.sessionId} ${row.followupId} --answers <file>\n`
				: row.kind === "rollback"
					? `${when}  rollback scheduled by ${row.stepId}: ${row.reason}\n  rollout rollback ${row.sessionId}\n`
					: `${when}  observation window ${row.detail}\n  rollout resume ${row.sessionId}\n`,
		);
	}
	return EXIT.ok;
}
