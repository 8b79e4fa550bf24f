import { execFileSync } from "node:child_process";
import { afterEach } from "vitest";
import { waitUntil } from "./render.js";

const SOCKET = `rollout-test-${process.pid}`;
const opened: Terminal[] = [];
afterEach(() => {
	for (const terminal of opened.splice(0)) terminal.close();
});

const tmux = (...args: string[]) =>
	execFileSync("tmux", ["-L", SOCKET, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

const quote = (text: string) => `'${text.replaceAll("'", "'\\''")}'`;

/**
 * A real 80×24 terminal (tmux) running one command, as an operator would: keys go in, the
 * screen comes out. The command's exit code shows as `EXIT=<code>` when it ends.
 */
export class Terminal {
	private constructor(private readonly name: string) {}

	static open(args: readonly string[], options: { cwd: string; env: Record<string, string> }): Terminal {
		const name = `t${opened.length}-${Date.now()}`;
		const env = Object.entries(options.env).map(([key, value]) => `${key}=${quote(value)}`);
		const command = `cd ${quote(options.cwd)} && env ${env.join(" ")} ${args.map(quote).join(" ")}; echo EXIT=$?; sleep 600`;
		tmux("new-session", "-d", "-s", name, "-x", "80", "-y", "24", command);
		const terminal = new Terminal(name);
		opened.push(terminal);
		return terminal;
	}

	screen(): string {
		return tmux("capture-pane", "-p", "-t", this.name);
	}

	/** tmux key names: Enter, C-c, Down, y… */
	keys(...keys: string[]): void {
		tmux("send-keys", "-t", this.name, ...keys);
	}

	/**
	 * Sends a key (or, with `literal`, text) once, as a person would, and waits for what it should
	 * bring on screen.
	 */
	async send(key: string, until: string | RegExp, options: { literal?: boolean } = {}): Promise<string> {
		tmux("send-keys", "-t", this.name, ...(options.literal ? ["-l"] : []), key);
		return this.waitFor(until);
	}

	async waitFor(text: string | RegExp, timeoutMs = 15_000): Promise<string> {
		const found = () => (typeof text === "string" ? this.screen().includes(text) : text.test(this.screen()));
		await waitUntil(found, () => `${text} in the terminal:\n${this.screen()}`, timeoutMs);
		return this.screen();
	}

	close(): void {
		try {
			tmux("kill-session", "-t", this.name);
		} catch {
			// already gone
		}
	}
}
