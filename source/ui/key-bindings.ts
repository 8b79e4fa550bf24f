import type { Key } from "ink";

/** A key the wizard answers to: what the operator presses, what it does, and how the footer names it. */
export interface Binding {
	readonly label: string;
	readonly description: string;
	readonly matches: (input: string, key: Key) => boolean;
}

const char =
	(...chars: string[]) =>
	(input: string, key: Key) =>
		!key.ctrl && !key.meta && chars.includes(input);

/** Every key binding, in the order the `?` overlay lists them. Components ask this table; none compares raw keys. */
export const BINDINGS = {
	confirm: { label: "Enter", description: "run, select, go on", matches: (_input, key) => key.return },
	apply: { label: "y", description: "apply a change; yes", matches: char("y", "Y") },
	decline: { label: "n", description: "say no", matches: char("n", "N") },
	up: { label: "↑/k", description: "move up", matches: (input, key) => key.upArrow || char("k")(input, key) },
	down: {
		label: "↓/j",
		description: "move down",
		matches: (input, key) => key.downArrow || char("j")(input, key),
	},
	back: { label: "Esc", description: "back, close", matches: (_input, key) => key.escape },
	pageUp: { label: "PgUp", description: "a page up", matches: (_input, key) => key.pageUp },
	pageDown: { label: "PgDn", description: "a page down", matches: (_input, key) => key.pageDown },
	first: { label: "Home", description: "to the first", matches: (_input, key) => key.home },
	last: { label: "End", description: "to the last", matches: (_input, key) => key.end },
	jump: { label: "g", description: "jump to a phase", matches: char("g") },
	search: { label: "/", description: "find a step by id or title", matches: char("/") },
	log: { label: "l", description: "a step's whole log", matches: char("l") },
	skip: { label: "s", description: "skip, with a reason", matches: char("s") },
	pass: { label: "p", description: "a prompt passed", matches: char("p") },
	fail: { label: "f", description: "a prompt failed (say what went wrong)", matches: char("f") },
	flow: {
		label: "m",
		description: "auto-run passing steps, or not",
		matches: char("m"),
	},
	details: { label: "h", description: "the step's help text", matches: char("h") },
	review: { label: "r", description: "review earlier steps", matches: char("r") },
	rerun: { label: "a", description: "run a reviewed step again", matches: char("a") },
	retry: { label: "t", description: "retry a failed step", matches: char("t") },
	override: { label: "o", description: "override, with a reason", matches: char("o") },
	rollback: { label: "b", description: "roll back", matches: char("b") },
	export: { label: "e", description: "export the record", matches: char("e") },
	plan: { label: "p", description: "the rollback plan", matches: char("p") },
	followup: { label: "f", description: "start a follow-up", matches: char("f") },
	dryRun: { label: "d", description: "pre-flight: dry or real run", matches: char("d") },
	help: { label: "?", description: "these keys", matches: char("?") },
	quit: { label: "q", description: "quit (the session is kept)", matches: char("q") },
	interrupt: {
		label: "Ctrl+C",
		description: "stop a command; twice: quit",
		matches: (input, key) => key.ctrl && input === "c",
	},
} as const satisfies Record<string, Binding>;

export type BindingName = keyof typeof BINDINGS;

export function pressed(name: BindingName, input: string, key: Key): boolean {
	return BINDINGS[name].matches(input, key);
}

/** The footer's words for the keys that work now. */
export function keyHints(hints: readonly (readonly [BindingName, string])[]): string {
	return hints.map(([name, what]) => `${BINDINGS[name].label} ${what}`).join(" · ");
}

/** One key a screen offers: the binding, the footer's word for it, and what it does. */
export interface KeyAction {
	readonly name: BindingName;
	readonly label: string;
	readonly run: () => void;
	/** Works, but left out of the footer (the `?` overlay lists it): the reverse of a key shown. */
	readonly quiet?: boolean;
}

/** A screen's keys, in footer order. Leaving an action out both disables the key and hides its hint. */
export type KeyTable = readonly KeyAction[];

/** Runs the first action of the table whose key was pressed; true when one was. */
export function dispatchKey(table: KeyTable, input: string, key: Key): boolean {
	const hit = table.find((action) => pressed(action.name, input, key));
	hit?.run();
	return hit !== undefined;
}

/** The footer's words for a table. */
export function tableHints(table: KeyTable): string {
	return keyHints(
		table.filter((action) => !action.quiet).map((action) => [action.name, action.label] as const),
	);
}
