import { appendFileSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { stateFormat } from "../../source/session/anchors.js";
import { canonicalJson, recordHash } from "../../source/session/canonical.js";
import { invalidSessionId, newSessionId, resolveSessionId } from "../../source/session/ids.js";
import { listSessions, verifySession } from "../../source/session/inspect.js";
import { SessionLockedError } from "../../source/session/lock.js";
import { readSnapshot, SessionStore } from "../../source/session/store.js";
import { holdSessionInChild, makeSession, startedEvent, steppingClock } from "../helpers/session.js";
import { tempDir } from "../helpers/temp.js";

const ID = "20261123-091500-demo-ab12";

function logLines(dir: string): string[] {
	return readFileSync(join(dir, "events.jsonl"), "utf8").trimEnd().split("\n");
}

function writeLines(dir: string, lines: string[]): void {
	writeFileSync(join(dir, "events.jsonl"), `${lines.join("\n")}\n`);
}

describe("the event log on disk", () => {
	it("chains records with seq, at, prev and a SHA-256 hash of their canonical JSON", async () => {
		const dir = await makeSession(tempDir());
		const records = logLines(dir).map((line) => JSON.parse(line));
		expect(records.map((record) => record.seq)).toEqual([0, 1, 2, 3]);
		expect(records[0].prev).toBe("0".repeat(64));
		for (const [index, record] of records.entries()) {
			expect(record.hash).toBe(recordHash(record));
			if (index > 0) expect(record.prev).toBe(records[index - 1].hash);
		}
		expect(logLines(dir)[1]).toBe(canonicalJson(records[1]));
	});

	it("keeps session.json as the derived state with the log's anchor", async () => {
		const dir = await makeSession(tempDir());
		const snapshot = readSnapshot(dir);
		expect(snapshot?.anchor.events).toBe(4);
		expect(snapshot?.anchor.head).toBe(JSON.parse(logLines(dir)[3] ?? "").hash);
		expect(snapshot?.state.results.tests?.status).toBe("running");
	});

	it("verify reads a session.json of many blocks to its end: an edit far in is found and named", async () => {
		const sessions = tempDir();
		const store = await SessionStore.create(sessions, ID, startedEvent(ID), { now: steppingClock() });
		// Notes long enough for session.json to run over several of the blocks it is read in.
		for (const ref of startedEvent(ID).data.steps)
			store.append({ type: "step.skipped", data: { stepId: ref.id, reason: `é ${"n".repeat(150_000)}` } });
		await store.close();
		const dir = join(sessions, ID);
		expect(verifySession(dir)).toMatchObject({ ok: true });
		const path = join(dir, "session.json");
		const text = readFileSync(path, "utf8");
		expect(text.length).toBeGreaterThan(400_000);
		const at = text.lastIndexOf("nnnn");
		writeFileSync(path, `${text.slice(0, at)}m${text.slice(at + 1)}`);
		expect(verifySession(dir)).toMatchObject({
			ok: false,
			problem: expect.stringMatching(/results differs from the state the log gives/),
		});
	});

	it("reopens to the same state and continues the chain", async () => {
		const sessions = tempDir();
		await makeSession(sessions);
		const store = await SessionStore.open(sessions, ID, {
			now: steppingClock(Date.parse("2026-11-23T10:00:00Z")),
		});
		expect(store.state.results.backup?.status).toBe("passed");
		store.append({ type: "step.finished", data: { stepId: "tests", status: "passed" } });
		await store.close();
		expect(verifySession(join(sessions, ID))).toMatchObject({ ok: true, events: 5 });
	});

	it("never writes a timestamp earlier than the last one, even when the clock goes back", async () => {
		const sessions = tempDir();
		await makeSession(sessions);
		const store = await SessionStore.open(sessions, ID, { now: () => new Date("2020-01-01T00:00:00Z") });
		const record = store.append({ type: "session.abandoned", data: { reason: "test" } });
		await store.close();
		expect(Date.parse(record.at)).toBeGreaterThan(Date.parse("2026-01-01T00:00:00Z"));
		expect(verifySession(join(sessions, ID)).ok).toBe(true);
	});
});

describe("after a crash", () => {
	it("truncates a torn last line on open and says so", async () => {
		const sessions = tempDir();
		const dir = await makeSession(sessions);
		appendFileSync(join(dir, "events.jsonl"), '{"seq":4,"at":"2026-11-23T09:1');
		expect(verifySession(dir)).toMatchObject({ ok: true, events: 4 });
		expect(verifySession(dir).notes[0]).toMatch(/cut off mid-write/);
		const store = await SessionStore.open(sessions, ID);
		expect(store.warnings).toEqual([
			expect.stringMatching(
				/last record of .*events\.jsonl was cut off mid-write \(30 bytes\) and was removed/,
			),
		]);
		store.append({ type: "step.finished", data: { stepId: "tests", status: "passed" } });
		await store.close();
		expect(logLines(dir)).toHaveLength(5);
		expect(verifySession(dir).ok).toBe(true);
	});

	it("removes temp files killed writes left behind: in the session and beside the files it edits", async () => {
		const sessions = tempDir();
		const dir = await makeSession(sessions);
		const config = join(tempDir(), "config.yaml");
		writeFileSync(config, "flag: false\n");
		const store = await SessionStore.open(sessions, ID);
		store.append({
			type: "step.intent",
			data: { stepId: "tests", action: "flag-write", detail: { file: config } },
		});
		await store.close();
		const dead = await deadPid();
		const left = [
			join(dir, "session.json.123456789"),
			join(dir, "signoff.json.3141592653"),
			join(dir, `.session.json.${dead}.7.rollout-tmp`),
			join(dir, "backups", "manifest.json.2718281828"),
			join(config, "..", `.config.yaml.${dead}.1.rollout-tmp`),
		];
		const live = join(config, "..", `.config.yaml.${process.ppid}.1.rollout-tmp`);
		const { mkdirSync } = await import("node:fs");
		mkdirSync(join(dir, "backups"));
		for (const file of [...left, live]) writeFileSync(file, "{ half");
		const reopened = await SessionStore.open(sessions, ID);
		await reopened.close();
		for (const file of left) {
			expect(existsSync(file), file).toBe(false);
			expect(reopened.warnings).toContain(`removed ${file}, left by an interrupted write`);
		}
		expect(existsSync(live)).toBe(true);
		expect(existsSync(config)).toBe(true);
	});

	it("removes the folder of a session whose creation was killed, on the next start", async () => {
		const sessions = tempDir();
		const { mkdirSync } = await import("node:fs");
		const dead = await deadPid();
		mkdirSync(join(sessions, `.creating-${dead}-20261123-081500-demo-zz99`));
		mkdirSync(join(sessions, `.creating-${process.ppid}-20261123-081500-demo-yy88`));
		await makeSession(sessions);
		expect(readdirSync(sessions).sort()).toEqual([`.creating-${process.ppid}-20261123-081500-demo-yy88`, ID]);
	});
});

/** The pid of a process that has ended. */
async function deadPid(): Promise<number> {
	const { spawn } = await import("node:child_process");
	const child = spawn(process.execPath, ["-e", ""]);
	await new Promise((resolve) => child.once("exit", resolve));
	return child.pid as number;
}

describe("tampering", () => {
	const tamper = async (change: (lines: string[]) => string[]) => {
		const sessions = tempDir();
		const dir = await makeSession(sessions);
		writeLines(dir, change(logLines(dir)));
		return { sessions, dir };
	};

	it("an edited record is named by its line, and the store refuses to continue", async () => {
		const { sessions, dir } = await tamper((lines) =>
			lines.map((line, index) => (index === 2 ? line.replace('"passed"', '"failed"') : line)),
		);
		expect(verifySession(dir)).toMatchObject({
			ok: false,
			problem: expect.stringMatching(/events\.jsonl:3: hash does not match/),
		});
		await expect(SessionStore.open(sessions, ID)).rejects.toThrow(
			/events\.jsonl:3: hash does not match the record \(it was edited\); the session cannot continue/,
		);
	});

	it("an edited and re-hashed record breaks the next record's prev", async () => {
		const { dir } = await tamper((lines) =>
			lines.map((line, index) => {
				if (index !== 1) return line;
				const record = JSON.parse(line);
				record.data.attempt = 7;
				record.hash = recordHash(record);
				return canonicalJson(record);
			}),
		);
		expect(verifySession(dir).problem).toMatch(/events\.jsonl:3: prev does not match the hash of line 2/);
	});

	it("a deleted record is caught", async () => {
		const { dir } = await tamper((lines) => lines.filter((_, index) => index !== 1));
		expect(verifySession(dir).problem).toMatch(/events\.jsonl:2: seq is 2, expected 1/);
	});

	it("swapped records are caught", async () => {
		const { dir } = await tamper(([a, b, c, d]) => [a, c, b, d] as string[]);
		expect(verifySession(dir).problem).toMatch(/events\.jsonl:2: seq is 2, expected 1/);
	});

	it("a line that is not JSON is caught", async () => {
		const { dir } = await tamper((lines) => [lines[0] ?? "", "garbage", ...lines.slice(2)]);
		expect(verifySession(dir).problem).toMatch(/events\.jsonl:2: not valid JSON/);
	});

	it("records dropped from the end are caught by the snapshot's anchor", async () => {
		const { dir } = await tamper((lines) => lines.slice(0, 2));
		expect(verifySession(dir).problem).toMatch(
			/the log has 2 events but session.json recorded 4: records were lost/,
		);
	});

	it("a log rewritten from scratch is caught by the snapshot's head", async () => {
		const sessions = tempDir();
		const dir = await makeSession(sessions);
		const snapshot = readFileSync(join(dir, "session.json"));
		const other = tempDir();
		await makeSession(other, ID, { now: steppingClock(Date.parse("2026-11-24T09:00:00Z")) });
		writeFileSync(join(dir, "events.jsonl"), readFileSync(join(other, ID, "events.jsonl")));
		writeFileSync(join(dir, "session.json"), snapshot);
		expect(verifySession(dir).problem).toMatch(
			/events\.jsonl:4: the hash differs from the head recorded in session.json/,
		);
	});
});

describe("session.json and the log", () => {
	it("a status or operator edited in session.json fails verify, is not listed, and stops the session", async () => {
		const sessions = tempDir();
		const dir = await makeSession(sessions);
		const snapshot = JSON.parse(readFileSync(join(dir, "session.json"), "utf8"));
		snapshot.state.status = "GO";
		snapshot.state.operator = "Mallory";
		writeFileSync(join(dir, "session.json"), JSON.stringify(snapshot));
		expect(verifySession(dir).problem).toBe(
			`${join(dir, "session.json")}: operator ("Mallory" there, "Dana Ops" in the log), status ("GO" there, absent in the log) differ from the state the log gives (it was edited)`,
		);
		expect(listSessions(sessions)).toMatchObject([{ id: ID, status: "in progress", operator: "Dana Ops" }]);
		await expect(SessionStore.open(sessions, ID)).rejects.toThrow(
			/differ from the state the log gives \(it was edited\); the session cannot continue: run rollout verify/,
		);
	});

	it("a log whose tail was cut is never re-anchored: open refuses and verify keeps saying so", async () => {
		const sessions = tempDir();
		const dir = await makeSession(sessions);
		writeLines(dir, logLines(dir).slice(0, 3));
		const problem = /the log has 3 events but session\.json recorded 4: records were lost from the end/;
		expect(verifySession(dir).problem).toMatch(problem);
		await expect(SessionStore.open(sessions, ID)).rejects.toThrow(problem);
		await expect(SessionStore.open(sessions, ID)).rejects.toThrow(/cannot continue: run rollout verify/);
		expect(verifySession(dir).problem).toMatch(problem);
		expect(existsSync(join(dir, "lock.json"))).toBe(false);
	});

	it("a field added with its format updated is a snapshot of another shape: shared fields still compared", async () => {
		const sessions = tempDir();
		const dir = await makeSession(sessions);
		const snapshot = JSON.parse(readFileSync(join(dir, "session.json"), "utf8"));
		snapshot.state.status = "GO";
		writeFileSync(join(dir, "session.json"), JSON.stringify(snapshot));
		expect(verifySession(dir).problem).toMatch(/status \("GO" there, absent in the log\) differs/);
		snapshot.format = stateFormat(snapshot.state);
		writeFileSync(join(dir, "session.json"), JSON.stringify(snapshot));
		const report = verifySession(dir);
		expect(report.ok).toBe(true);
		expect(report.notes).toEqual([
			`${join(dir, "session.json")} was written by a version of rollout with another state shape: compared on the fields both have`,
		]);
		snapshot.state.operator = "Mallory";
		writeFileSync(join(dir, "session.json"), JSON.stringify(snapshot));
		expect(verifySession(dir).problem).toMatch(/operator \("Mallory" there, "Dana Ops" in the log\) differs/);
	});

	it("a snapshot one event behind the log (a crash between the two writes) agrees with it", async () => {
		const sessions = tempDir();
		const dir = await makeSession(sessions);
		const before = readFileSync(join(dir, "session.json"));
		const store = await SessionStore.open(sessions, ID);
		store.append({ type: "step.finished", data: { stepId: "tests", status: "passed" } });
		await store.close();
		const lines = logLines(dir);
		writeLines(dir, lines.slice(0, -1));
		writeFileSync(join(dir, "session.json"), before);
		appendFileSync(join(dir, "events.jsonl"), `${lines.at(-1)}\n`);
		expect(verifySession(dir)).toMatchObject({ ok: true });
	});
});

describe("backups in the manifest", () => {
	it("are checked against their checksums", async () => {
		const dir = await makeSession(tempDir());
		const { mkdirSync } = await import("node:fs");
		mkdirSync(join(dir, "backups"));
		writeFileSync(join(dir, "backups", "profiles.yaml"), "flag: false\n");
		const { sha256 } = await import("../../source/session/canonical.js");
		const entry = {
			stepId: "backup",
			source: "/etc/profiles.yaml",
			backup: "backups/profiles.yaml",
			size: 12,
			mode: 0o644,
		};
		const manifest = (hash: string) =>
			JSON.stringify({
				entries: [
					{ ...entry, sha256: hash },
					{ stepId: "backup", source: "/x", absent: true },
				],
			});
		writeFileSync(join(dir, "backups", "manifest.json"), manifest(sha256("flag: false\n")));
		expect(verifySession(dir)).toMatchObject({ ok: true, backupsChecked: 1 });
		writeFileSync(join(dir, "backups", "profiles.yaml"), "flag: true\n");
		expect(verifySession(dir).problem).toMatch(
			/profiles\.yaml: checksum differs from the manifest \(backup of \/etc\/profiles\.yaml\)/,
		);
	});
});

describe("the lock", () => {
	it("refuses a second process, naming the holder", async () => {
		const sessions = tempDir();
		await makeSession(sessions);
		const child = await holdSessionInChild(sessions, ID);
		try {
			const refused = SessionStore.open(sessions, ID);
			await expect(refused).rejects.toBeInstanceOf(SessionLockedError);
			await expect(SessionStore.open(sessions, ID)).rejects.toThrow(
				new RegExp(`open in another process: pid ${child.pid} on ${hostname()} since 20\\d\\d-`),
			);
		} finally {
			child.kill("SIGKILL");
		}
	});

	it("is taken over at once when its holder has been killed", async () => {
		const sessions = tempDir();
		await makeSession(sessions);
		const child = await holdSessionInChild(sessions, ID);
		child.kill("SIGKILL");
		await new Promise((resolve) => child.once("exit", resolve));
		const taken: string[] = [];
		const started = performance.now();
		const store = await SessionStore.open(sessions, ID, { onWait: (message) => taken.push(message) });
		expect(performance.now() - started).toBeLessThan(1000);
		expect(taken).toEqual([`pid ${child.pid} ended without closing the session; took it over`]);
		store.append({ type: "session.resumed", data: { pid: process.pid, host: hostname(), unclean: true } });
		await store.close();
		expect(store.state.resumes).toBe(1);
		expect(existsSync(join(sessions, ID, "lock.json"))).toBe(false);
	});

	it("stays with a holder whose event loop is blocked, however long", async () => {
		const sessions = tempDir();
		await makeSession(sessions);
		const child = await holdSessionInChild(sessions, ID);
		try {
			const appended = lineFrom(child, /appended|refused/);
			child.stdin?.write("stall 4000\n");
			await new Promise((resolve) => setTimeout(resolve, 3000));
			await expect(SessionStore.open(sessions, ID)).rejects.toThrow(
				new RegExp(`open in another process: pid ${child.pid}`),
			);
			expect(await appended).toBe("appended");
			expect(verifySession(join(sessions, ID))).toMatchObject({ ok: true, events: 5 });
		} finally {
			child.kill("SIGKILL");
		}
	});

	it("stays with a holder that was stopped (Ctrl+Z)", async () => {
		const sessions = tempDir();
		await makeSession(sessions);
		const child = await holdSessionInChild(sessions, ID);
		try {
			child.kill("SIGSTOP");
			await new Promise((resolve) => setTimeout(resolve, 3000));
			await expect(SessionStore.open(sessions, ID)).rejects.toBeInstanceOf(SessionLockedError);
			child.kill("SIGCONT");
			const appended = lineFrom(child, /appended|refused/);
			child.stdin?.write("stall 1\n");
			expect(await appended).toBe("appended");
		} finally {
			child.kill("SIGKILL");
		}
	});

	it("held on another host is refused, naming the host and the file to remove", async () => {
		const sessions = tempDir();
		const dir = await makeSession(sessions);
		const since = "2026-11-23T09:00:00.000Z";
		writeFileSync(join(dir, "lock.json"), JSON.stringify({ pid: 1, host: "far-away-host", since }));
		await expect(SessionStore.open(sessions, ID)).rejects.toThrow(
			`the session is open on another host: pid 1 on far-away-host since ${since}; if that process is gone, remove ${join(dir, "lock.json")}`,
		);
	});

	it("removed by hand stops the holder's writes", async () => {
		const sessions = tempDir();
		const dir = await makeSession(sessions);
		const store = await SessionStore.open(sessions, ID);
		rmSync(join(dir, "lock.json"));
		expect(() => store.append({ type: "session.closed", data: { reason: "x" } })).toThrow(
			/lost the lock on session .*lock\.json was removed\); stopped writing/,
		);
		await store.close();
	});

	it("rewritten in place to name another process stops the holder's writes", async () => {
		const sessions = tempDir();
		const dir = await makeSession(sessions);
		const store = await SessionStore.open(sessions, ID);
		store.append({ type: "session.resumed", data: { pid: process.pid, host: hostname(), unclean: false } });
		// The same file, its bytes replaced: only its change time tells.
		writeFileSync(join(dir, "lock.json"), JSON.stringify({ pid: 4242, host: hostname(), since: "x" }));
		expect(() => store.append({ type: "session.closed", data: { reason: "x" } })).toThrow(
			/lost the lock on session .*lock\.json now names pid 4242/,
		);
		await store.close();
	});
});

/** The next line of the child's stdout that matches. */
function lineFrom(child: { stdout: NodeJS.ReadableStream | null }, pattern: RegExp): Promise<string> {
	return new Promise((resolve) => {
		const listen = (chunk: Buffer) => {
			const line = String(chunk)
				.split("\n")
				.find((text) => pattern.test(text));
			if (line === undefined) return;
			child.stdout?.off("data", listen);
			resolve(line);
		};
		child.stdout?.on("data", listen);
	});
}

describe("session ids", () => {
	it("sort by start time and name the checklist", () => {
		const id = newSessionId("demo", new Date("2026-11-23T09:15:07Z"));
		expect(id).toMatch(/^20261123-091507-demo-[0-9a-z]{4}$/);
		expect(newSessionId("demo", new Date("2026-11-23T09:15:08Z")) > id).toBe(true);
	});

	it.each([
		["../etc", "contains a path separator"],
		["a..b", 'contains ".."'],
		["a/b", "contains a path separator"],
		["-rf", 'use letters, digits, ".", "_" and "-"'],
		["", "a session id is needed"],
	])("refuse %j typed by a user", (id, reason) => {
		expect(invalidSessionId(id)).toContain(reason);
	});

	it("accept a unique prefix and explain an ambiguous one", async () => {
		const sessions = tempDir();
		await makeSession(sessions, "20261123-091500-demo-ab12");
		await makeSession(sessions, "20261123-101500-demo-cd34");
		expect(resolveSessionId(sessions, "20261123-10")).toBe("20261123-101500-demo-cd34");
		expect(() => resolveSessionId(sessions, "20261123")).toThrow(
			/"20261123" matches 2 sessions: 20261123-091500-demo-ab12, 20261123-101500-demo-cd34/,
		);
		expect(() => resolveSessionId(sessions, "2025")).toThrow(/no session "2025"/);
	});
});
