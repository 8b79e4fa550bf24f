import { Box, Text, useStdout } from "ink";
import { useState } from "react";
import { formatDuration } from "../../checklist/duration.js";
import type { Preflight } from "../../engine/preflight.js";
import { dispatchKey, type KeyTable, tableHints } from "../key-bindings.js";
import { useKeys } from "../key-router.js";
import { colorOf } from "../theme.js";

/** The lines of the pre-flight screen, every one of them: the window below scrolls over them. */
export function preflightLines(preflight: Preflight): { text: string; tone?: "dim" | "accent" | "warn" }[] {
	const lines: { text: string; tone?: "dim" | "accent" | "warn" }[] = [];
	const steps = preflight.phases.reduce((total, phase) => total + phase.steps, 0);
	lines.push({ text: `${preflight.phases.length} phases, ${steps} steps`, tone: "accent" });
	for (const phase of preflight.phases) {
		const kinds = Object.entries(phase.kinds)
			.map(([kind, count]) => `${count} ${kind}`)
			.join(", ");
		lines.push({ text: `  ${phase.title} — ${phase.steps}: ${kinds}` });
	}
	const changes = preflight.touches.filter((touch) => touch.action === "change");
	const backups = preflight.touches.filter((touch) => touch.action === "back up");
	lines.push({ text: `Changes ${changes.length} file value(s):`, tone: "accent" });
	for (const touch of changes) lines.push({ text: `  ${touch.path}: ${touch.detail ?? ""}`, tone: "warn" });
	lines.push({ text: `Backs up ${backups.length} path(s):`, tone: "accent" });
	for (const touch of backups) lines.push({ text: `  ${touch.path}` });
	const vars = Object.entries(preflight.vars);
	lines.push({ text: `Variables (${vars.length}):`, tone: "accent" });
	for (const [name, value] of vars) lines.push({ text: `  ${name} = ${String(value)}` });
	const { automatedMs, untimed, byPerson } = preflight.estimate;
	lines.push({
		text: `Time: automated steps up to ${formatDuration(automatedMs)}${untimed > 0 ? ` (+${untimed} without a timeout)` : ""}; ${byPerson} step(s) wait on a person`,
		tone: "dim",
	});
	return lines;
}

/**
 * Before a session starts: what the checklist is, what it will back up and change, with which
 * values, and how long it may take. Enter starts it, d switches between a real run and a dry
 * run, ↑/↓ scroll, q or Esc leaves without starting.
 */
export function PreflightScreen({
	preflight,
	dryRun,
	onChoose,
}: {
	readonly preflight: Preflight;
	readonly dryRun: boolean;
	readonly onChoose: (choice: { start: boolean; dryRun: boolean }) => void;
}) {
	const { stdout } = useStdout();
	const rows = Math.max(12, stdout.rows || 24);
	const [dry, setDry] = useState(dryRun);
	const [top, setTop] = useState(0);
	const lines = preflightLines(preflight);
	const room = Math.max(3, rows - 8);
	const last = Math.max(0, lines.length - room);
	const leave = () => onChoose({ start: false, dryRun: dry });
	const keys: KeyTable = [
		{ name: "confirm", label: "start", run: () => onChoose({ start: true, dryRun: dry }) },
		{ name: "dryRun", label: dry ? "real run" : "dry run", run: () => setDry(!dry) },
		{ name: "down", label: "scroll", run: () => setTop((at) => Math.min(last, at + 1)) },
		{ name: "up", label: "up", run: () => setTop((at) => Math.max(0, at - 1)), quiet: true },
		{ name: "pageDown", label: "page", run: () => setTop((at) => Math.min(last, at + room)), quiet: true },
		{ name: "pageUp", label: "page up", run: () => setTop((at) => Math.max(0, at - room)), quiet: true },
		{ name: "quit", label: "leave", run: leave },
		{ name: "back", label: "leave", run: leave, quiet: true },
	];
	useKeys((input, key) => dispatchKey(keys, input, key));
	const { checklist } = preflight;
	return (
		<Box flexDirection="column" height={rows - 1}>
			<Text bold wrap="truncate-end">
				{`${checklist.title}${checklist.version ? ` v${checklist.version}` : ""}`}
			</Text>
			<Text color={colorOf("dim")} wrap="truncate-end">
				{preflight.file}
			</Text>
			<Box flexDirection="column" marginTop={1} flexGrow={1}>
				{lines.slice(top, top + room).map((line, index) => (
					// biome-ignore lint/suspicious/noArrayIndexKey: a window over fixed lines
					<Text key={top + index} color={colorOf(line.tone)} wrap="wrap">
						{line.text}
					</Text>
				))}
				{top < last ? <Text color={colorOf("dim")}>{`↓ ${last - top} more line(s)`}</Text> : null}
			</Box>
			<Text bold color={colorOf(dry ? "warn" : undefined)}>
				{dry
					? "DRY RUN: nothing will be changed and no command runs. Enter starts it."
					: "A real run: Enter starts it."}
			</Text>
			<Text color={colorOf("dim")} wrap="wrap">
				{tableHints(keys)}
			</Text>
		</Box>
	);
}
