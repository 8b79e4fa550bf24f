import { listSessions, type SessionSummary } from "../session/inspect.js";
import { colorsFor, EXIT } from "./output.js";

/** `rollout list`: sessions newest first, two lines each so they fit 80 columns. */
export function list(sessionsDir: string, json: boolean): number {
	const sessions = listSessions(sessionsDir);
	if (json) {
		process.stdout.write(`${JSON.stringify(sessions, null, 2)}\n`);
		return EXIT.ok;
	}
	if (sessions.length === 0) {
		process.stdout.write(`No sessions in ${sessionsDir}.\n`);
		return EXIT.ok;
	}
	const c = colorsFor(process.stdout);
	const paint = (session: SessionSummary): string => {
		const status = session.status;
		if (status === "GO" || status === "rolled back") return c.green(status);
		if (status === "GO WITH CONDITIONS") return c.yellow(status);
		if (status === "in progress") return c.cyan(status);
		return c.red(status);
	};
	for (const session of sessions) {
		const dry = session.dryRun ? c.dim(" (dry run)") : "";
		const started = shortTime(session.startedAt);
		const last = shortTime(session.lastActivityAt);
		// The last activity's date only when it differs from the start's, so the line fits 80 columns.
		const times = session.startedAt
			? ` · ${started} → ${last.slice(0, 10) === started.slice(0, 10) ? last.slice(11) : last}`
			: "";
		const who = session.operator ? ` · ${session.operator}` : "";
		const room = 80 - 2 - who.length - times.length;
		const title = truncate(session.title || "(unreadable session)", Math.max(room, 12));
		process.stdout.write(
			`${c.bold(session.id)}  ${paint(session)}${decided(session, c)}  ${session.done}/${session.total}${dry}\n  ${title}${who}${times}\n`,
		);
	}
	return EXIT.ok;
}

/** A decision taken while the session is still in progress, shown beside its status. */
function decided(session: SessionSummary, c: ReturnType<typeof colorsFor>): string {
	return session.status === "in progress" && session.decision ? c.dim(` (decided ${session.decision})`) : "";
}

function truncate(text: string, width: number): string {
	return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

/** 2026-11-23 09:15 in local time. */
function shortTime(iso: string): string {
	if (!iso) return "";
	const date = new Date(iso);
	const pad = (value: number) => String(value).padStart(2, "0");
	return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
