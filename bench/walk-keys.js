// How many keys an operator presses to walk a checklist in a dry run to its end screen,
// answering every prompt (p, then Enter past the optional notes), confirming every flag change
// (y), confirming the decision and signing off every role. Runs the built bin in a real
// terminal (tmux, 80×24), with the flow on (passing steps run on their own) and, for
// comparison, one step at a time (config `flow: step`).
// Run with `npm run build && node bench/walk-keys.js [checklist [start options…]]` (needs tmux),
// e.g. `--var profiles=/tmp/profiles.yaml` for a file its backup step needs.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
const checklist = process.argv[2] ?? "checklists/coordinator-orchestrator-rollout.yaml";
const startOptions = process.argv.slice(3);
const socket = `rollout-walk-${process.pid}`;
const tmux = (...args) => execFileSync("tmux", ["-L", socket, ...args], { encoding: "utf8" });
const quote = (text) => `'${text.replaceAll("'", "'\\''")}'`;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** What to press on the screen of the moment, and how many presses that counts for. */
const ANSWERS = [
	[/Enter starts it\./, ["Enter"]],
	[/p pass {3}f fail {3}s skip/, ["p"]],
	[/Notes \(optional, Enter to go on\):/, ["Enter"]],
	[/Dry run: y records what would change/, ["y"]],
	[/Dry run: Enter records what would happen/, ["Enter"]],
	[/Comment \(optional\):/, ["Enter"]],
	[/Does Bench approve\?/, ["y"]],
	[/\(\d+ of \d+\)\s*\nName:/, ["-l", "Bench", "Enter"]],
	[/The rules say:/, ["Enter"]],
	[/Enter to go on[.,]/, ["Enter"]],
];

async function walk(flow) {
	const scratch = mkdtempSync(join(tmpdir(), "rollout-walk-"));
	const config = join(scratch, "config");
	mkdirSync(config);
	writeFileSync(join(config, "config.json"), JSON.stringify({ operator: "Bench", flow }));
	const name = `walk-${flow}`;
	const command = `cd ${quote(root)} && env ROLLOUT_CONFIG_DIR=${quote(config)} NO_COLOR=1 node dist/cli.cjs start ${quote(checklist)} ${startOptions.map(quote).join(" ")} --dry-run --sessions-dir ${quote(join(scratch, "sessions"))}; echo EXIT=$?; sleep 600`;
	tmux("new-session", "-d", "-s", name, "-x", "80", "-y", "24", command);
	let presses = 0;
	let last = "";
	let still = 0;
	let outcome = "";
	try {
		for (;;) {
			await sleep(40);
			const screen = tmux("capture-pane", "-p", "-t", name);
			const end = /Session (ended|open): (.*)/.exec(screen);
			if (end) {
				outcome = end[2]?.trim() ?? "";
				break;
			}
			if (/EXIT=|Quit now\?|Why skip|What went wrong/.test(screen))
				throw new Error(`the walk stopped where it should not:\n${screen}`);
			// Act only on a screen that held still, so a key is never sent to a screen being drawn.
			still = screen === last ? still + 1 : 0;
			last = screen;
			if (still < 2) continue;
			const answer = ANSWERS.find(([pattern]) => pattern.test(screen));
			if (!answer) {
				if (still > 500) throw new Error(`no answer for this screen:\n${screen}`);
				continue;
			}
			const keys = answer[1];
			tmux("send-keys", "-t", name, ...keys.filter((key) => key !== "Enter" || keys[0] !== "-l"));
			if (keys[0] === "-l") tmux("send-keys", "-t", name, "Enter");
			presses += keys[0] === "-l" ? 2 : keys.length;
			still = 0;
		}
		// What the walk did, from the session's own record.
		const [id] = readdirSync(join(scratch, "sessions"));
		const events = readFileSync(join(scratch, "sessions", id, "events.jsonl"), "utf8");
		const count = (type) => events.split(`"type":"${type}"`).length - 1;
		const failed = events
			.split("\n")
			.filter((line) => line.includes('"type":"step.finished"') && line.includes('"status":"failed"'))
			.map((line) => JSON.parse(line).data.stepId);
		return { presses, outcome, finished: count("step.finished"), skipped: count("step.skipped"), failed };
	} finally {
		tmux("kill-session", "-t", name);
		rmSync(scratch, { recursive: true, force: true });
	}
}

try {
	const auto = await walk("auto");
	const step = await walk("step");
	console.log(`${checklist}, --dry-run, to its end screen (a typed name counts as one press):`);
	const line = ({ presses, outcome, finished, skipped, failed }) =>
		`${presses} key presses (${finished} steps done, ${skipped} skipped; ${outcome}${
			failed.length ? `; failed: ${failed.join(", ")}` : ""
		})`;
	console.log(`  flow on (passing steps run on their own): ${line(auto)}`);
	console.log(`  one step at a time (flow: step):          ${line(step)}`);
} finally {
	try {
		tmux("kill-server");
	} catch {}
}
