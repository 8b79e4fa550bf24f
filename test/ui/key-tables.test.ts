import type { Key } from "ink";
import { describe, expect, it } from "vitest";
import {
	BINDINGS,
	type BindingName,
	dispatchKey,
	type KeyTable,
	pressed,
	tableHints,
} from "../../source/ui/key-bindings.js";
import { summaryKeys } from "../../source/ui/screens/end.js";
import { commonKeys } from "../../source/ui/screens/frame.js";
import { logKeys } from "../../source/ui/screens/log.js";
import { RESULT_KEYS, resultKeys } from "../../source/ui/screens/result.js";
import { reviewKeys } from "../../source/ui/screens/review.js";
import type { Wizard } from "../../source/ui/use-wizard.js";

const NO_KEY: Key = {
	upArrow: false,
	downArrow: false,
	leftArrow: false,
	rightArrow: false,
	pageDown: false,
	pageUp: false,
	home: false,
	end: false,
	return: false,
	escape: false,
	ctrl: false,
	shift: false,
	tab: false,
	backspace: false,
	delete: false,
	meta: false,
	super: false,
	hyper: false,
	capsLock: false,
	numLock: false,
};

/** Every key the operator can press, as Ink reports it. */
const EVERY_KEY: [string, Key][] = [
	...[..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/?!. "].map((char): [string, Key] => [
		char,
		NO_KEY,
	]),
	...(["upArrow", "downArrow", "pageUp", "pageDown", "home", "end", "return", "escape", "tab"] as const).map(
		(name): [string, Key] => ["", { ...NO_KEY, [name]: true, meta: name === "escape" }],
	),
	["c", { ...NO_KEY, ctrl: true }],
];

/** A wizard that records what it was asked to do. */
function fakeWizard(calls: string[]): Wizard {
	const record =
		(name: string) =>
		(...args: unknown[]) =>
			calls.push(`${name}${args.length ? ` ${JSON.stringify(args[0])}` : ""}`);
	return {
		state: {
			auto: true,
			screen: { name: "step", stepId: "a" },
			help: false,
			details: false,
			notices: [],
			trail: [],
		},
		engine: {
			steps: [{ step: { id: "a" } }, { step: { id: "b" } }],
			state: { dryRun: false },
			followupsOpen: () => true,
			definition: { followups: [{ id: "day-1" }] },
			outcome: () => undefined,
		},
		dispatch: record("dispatch"),
		show: record("show"),
		browse: record("browse"),
		next: record("next"),
		askRollback: record("askRollback"),
		openLog: record("openLog"),
		openReview: record("openReview"),
		quit: record("quit"),
		rerunRefusal: () => undefined,
	} as unknown as Wizard;
}

function tables(wizard: Wizard): Record<string, KeyTable> {
	const review = { name: "review", index: 0, open: false } as const;
	return {
		common: commonKeys(wizard),
		...Object.fromEntries(
			(Object.keys(RESULT_KEYS) as (keyof typeof RESULT_KEYS)[]).map((choice) => [
				`result ${choice}`,
				resultKeys(wizard, { name: "result", stepId: "a", outcome: { status: "failed" } }, choice),
			]),
		),
		review: reviewKeys(wizard, review, 10),
		"review searching": reviewKeys(wizard, { ...review, mode: "search" }, 10),
		log: logKeys(wizard, { name: "log", stepId: "a", file: "a.log", lines: ["x"], top: 0, back: review }, 10),
		end: summaryKeys(wizard, () => {}),
	};
}

describe("the key tables", () => {
	it("every binding has a label and a description, and names no key twice", () => {
		const labels = Object.values(BINDINGS).map((binding) => binding.label);
		for (const binding of Object.values(BINDINGS)) {
			expect(binding.label).not.toBe("");
			expect(binding.description).not.toBe("");
		}
		// p and f mean pass/fail on a prompt and plan/follow-up on the end screen: never on one screen.
		expect(labels.filter((label) => label === "p")).toHaveLength(2);
	});

	it("on each screen a key does at most one thing", () => {
		for (const [screen, table] of Object.entries(tables(fakeWizard([])))) {
			for (const [input, key] of EVERY_KEY) {
				const names = new Set(
					table.filter((action) => pressed(action.name, input, key)).map((action) => action.run),
				);
				expect(names.size, `${screen}: ${JSON.stringify(input)} ${JSON.stringify(key)}`).toBeLessThanOrEqual(
					1,
				);
			}
		}
	});

	it("a failed critical step offers no way on but retry, override and roll back", () => {
		const names = (choice: keyof typeof RESULT_KEYS) => RESULT_KEYS[choice].map(([name]) => name);
		expect(names("blocked")).toEqual(["retry", "override", "rollback"]);
		expect(names("breach")).not.toContain("confirm");
		expect(names("next")).toEqual(["confirm"]);
		expect(names("warned")).toEqual(["confirm", "rollback"]);
		const calls: string[] = [];
		const table = resultKeys(
			fakeWizard(calls),
			{ name: "result", stepId: "a", outcome: { status: "failed" } },
			"blocked",
		);
		expect(dispatchKey(table, "", { ...NO_KEY, return: true })).toBe(false);
		expect(calls).toEqual([]);
		expect(dispatchKey(table, "o", NO_KEY)).toBe(true);
		expect(calls).toEqual(['show {"name":"reason","stepId":"a","purpose":"override"}']);
	});

	it("the footer names the keys of the table that answers them, quiet ones left to the ? overlay", () => {
		const calls: string[] = [];
		const table = reviewKeys(fakeWizard(calls), { name: "review", index: 0, open: false }, 10);
		const hints = tableHints(table);
		expect(hints).toBe(
			"↓/j move · PgDn page · Enter details · g phase · / find · l log · a run again · Esc back",
		);
		for (const action of table.filter((item) => !item.quiet))
			expect(hints).toContain(`${BINDINGS[action.name].label} ${action.label}`);
		dispatchKey(table, "k", NO_KEY);
		expect(calls).toEqual(['dispatch {"type":"review-move","by":-1,"count":2}']);
	});

	it("common keys: flow, review, keys, quit — and the flow key says what it switches to", () => {
		const names = (table: KeyTable) => table.map((action) => action.name as BindingName);
		expect(names(commonKeys(fakeWizard([])))).toEqual(["flow", "review", "help", "quit"]);
		expect(tableHints(commonKeys(fakeWizard([])))).toBe("m one at a time · r review · ? keys · q quit");
	});
});
