import { existsSync, readFileSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createMasker } from "../../source/runner/mask.js";
import { groupAlive, processRunner } from "../../source/runner/run-command.js";
import { tempDir } from "../helpers/temp.js";

const mask = createMasker({ API_TOKEN: "hunter2-secret" });

function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

async function waitFor(check: () => boolean, ms = 5000): Promise<boolean> {
	const until = Date.now() + ms;
	while (Date.now() < until) {
		if (check()) return true;
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
	return check();
}

describe("processRunner", () => {
	it("streams stdout and stderr to the log, keeps a tail, and reports the exit code", async () => {
		const dir = tempDir();
		const log = join(dir, "step.log");
		const lines: string[] = [];
		const result = await processRunner.run(
			{ run: "echo one; echo two >&2; echo three; exit 3", cwd: dir },
			{ logFile: log, mask, onStdoutLine: (line) => lines.push(line) },
		);
		expect(result).toMatchObject({ exitCode: 3, timedOut: false, interrupted: false });
		expect(lines).toEqual(["one", "three"]);
		expect(readFileSync(log, "utf8").split("\n").sort()).toEqual(["", "one", "three", "two"]);
		expect(result.tail).toHaveLength(3);
	});

	it("runs a list without a shell: values stay single literal arguments", async () => {
		const dir = tempDir();
		const lines: string[] = [];
		await processRunner.run(
			{ run: ["printf", "%s|", "a b", "$(echo injected)", "; rm -rf /"], cwd: dir },
			{ logFile: join(dir, "log"), mask, onStdoutLine: (line) => lines.push(line) },
		);
		expect(lines).toEqual(["a b|$(echo injected)|; rm -rf /|"]);
	});

	it("masks secrets in the log and the tail, even when split across writes", async () => {
		const dir = tempDir();
		const log = join(dir, "log");
		const result = await processRunner.run(
			{
				run: "printf 'token=hunter2-'; sleep 0.1; printf 'secret and ghp_abcdefghijklmnopqrstuvwxyz0123\\n'",
				cwd: dir,
			},
			{ logFile: log, mask },
		);
		expect(readFileSync(log, "utf8")).toBe("token=*** and ***\n");
		expect(result.tail).toEqual(["token=*** and ***"]);
	});

	it("kills the whole process group on timeout: no grandchild survives", async () => {
		const dir = tempDir();
		const log = join(dir, "log");
		const started = Date.now();
		const result = await processRunner.run(
			{
				run: "sleep 300 & echo child $!; (sleep 300 & echo grandchild $!; wait) & wait",
				cwd: dir,
				timeoutMs: 500,
			},
			{ logFile: log, mask, graceMs: 500 },
		);
		expect(result.timedOut).toBe(true);
		expect(Date.now() - started).toBeLessThan(5000);
		const pids = [...readFileSync(log, "utf8").matchAll(/(?:child|grandchild) (\d+)/g)].map((match) =>
			Number(match[1]),
		);
		expect(pids).toHaveLength(2);
		expect(await waitFor(() => pids.every((pid) => !isAlive(pid)))).toBe(true);
	});

	it("does not wait on background children that keep the output open after the command exits", async () => {
		const dir = tempDir();
		let pgid = 0;
		const started = Date.now();
		const result = await processRunner.run(
			{ run: "sleep 300 & echo started", cwd: dir },
			{ logFile: join(dir, "log"), mask, onSpawn: (id) => (pgid = id) },
		);
		expect(result.exitCode).toBe(0);
		expect(Date.now() - started).toBeLessThan(5000);
		expect(await waitFor(() => !groupAlive(pgid))).toBe(true);
	});

	it("kills the group when aborted, and says it was interrupted", async () => {
		const dir = tempDir();
		const controller = new AbortController();
		setTimeout(() => controller.abort(), 300);
		const result = await processRunner.run(
			{ run: "trap '' TERM; sleep 300", cwd: dir },
			{ logFile: join(dir, "log"), mask, signal: controller.signal, graceMs: 300 },
		);
		expect(result.interrupted).toBe(true);
		expect(result.signal).toBeDefined();
	});

	it("reports a command that cannot start", async () => {
		const dir = tempDir();
		const result = await processRunner.run(
			{ run: ["no-such-command-xyz"], cwd: dir },
			{ logFile: join(dir, "log"), mask },
		);
		expect(result.exitCode).toBeUndefined();
		expect(result.spawnError).toMatch(/no-such-command-xyz/);
	});

	it("stops waiting on output held open by a process that left the group (setsid), at the timeout", async () => {
		const dir = tempDir();
		const log = join(dir, "log");
		const started = Date.now();
		const result = await processRunner.run(
			{ run: "setsid sleep 300 & echo daemon $!; sleep 300", cwd: dir, timeoutMs: 1000 },
			{ logFile: log, mask, graceMs: 300 },
		);
		const daemon = Number(/daemon (\d+)/.exec(readFileSync(log, "utf8"))?.[1]);
		try {
			expect(result.timedOut).toBe(true);
			expect(result.outputLeftOpen).toBe(true);
			expect(Date.now() - started).toBeLessThan(5000);
			expect(readFileSync(log, "utf8")).toContain(
				"[rollout: stopped reading: a process outside the command's group still held its output]",
			);
		} finally {
			process.kill(daemon, "SIGKILL");
		}
	});

	it("stops waiting on such output once the command has exited, and when aborted", async () => {
		const dir = tempDir();
		const log = join(dir, "log");
		const controller = new AbortController();
		setTimeout(() => controller.abort(), 300);
		const started = Date.now();
		const aborted = await processRunner.run(
			{ run: "setsid sleep 300 & echo daemon $!; sleep 300", cwd: dir },
			{ logFile: log, mask, graceMs: 300, signal: controller.signal },
		);
		const exited = await processRunner.run(
			{ run: "setsid sleep 300 & echo daemon $!", cwd: dir },
			{ logFile: log, mask, graceMs: 300 },
		);
		const daemons = [...readFileSync(log, "utf8").matchAll(/daemon (\d+)/g)].map((match) => Number(match[1]));
		try {
			expect(aborted).toMatchObject({ interrupted: true, outputLeftOpen: true });
			expect(exited).toMatchObject({ exitCode: 0, outputLeftOpen: true });
			expect(Date.now() - started).toBeLessThan(8000);
		} finally {
			for (const pid of daemons) process.kill(pid, "SIGKILL");
		}
	});

	it("caps the log: past the limit the oldest output is cut, the latest kept, and the cut said", async () => {
		const dir = tempDir();
		const log = join(dir, "log");
		const cap = 1024 * 1024;
		const result = await processRunner.run(
			{ run: "seq 1 3000000", cwd: dir },
			{ logFile: log, mask, maxLogBytes: cap },
		);
		const text = readFileSync(log, "utf8");
		expect(result.exitCode).toBe(0);
		expect(Buffer.byteLength(text)).toBeLessThanOrEqual(cap);
		// seq 1 3000000 prints 22,888,896 bytes.
		expect(result.logCutBytes).toBeGreaterThan(19_000_000);
		expect(text.split("\n")[0]).toMatch(
			/^\[rollout: \d+\.\d MB of earlier output cut here: the log keeps its last 512 KB \(ROLLOUT_LOG_MAX_BYTES\)\]$/,
		);
		expect(text.split("\n")[1]).toMatch(/^\d+$/);
		expect(text.endsWith("2999999\n3000000\n")).toBe(true);
		// Every byte printed is either kept or counted as cut; the set-aside half is joined back in.
		const marker = Buffer.byteLength(text.split("\n")[0] ?? "") + 1;
		expect((result.logCutBytes ?? 0) + Buffer.byteLength(text) - marker).toBe(22_888_896);
		expect(existsSync(`${log}.held`)).toBe(false);
	});

	it("stops the command when its log cannot be written (a full disk), without throwing", async () => {
		const dir = tempDir();
		const log = join(dir, "log");
		symlinkSync("/dev/full", log);
		const started = Date.now();
		const result = await processRunner.run({ run: "yes", cwd: dir }, { logFile: log, mask, graceMs: 300 });
		expect(result.logError).toMatchObject({ code: "ENOSPC", diskFull: true });
		expect(result.exitCode).toBeUndefined();
		expect(Date.now() - started).toBeLessThan(5000);
	});
});
