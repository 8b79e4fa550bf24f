import { existsSync, readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseDuration } from "../source/checklist/duration.js";
import { loadChecklistFile } from "../source/checklist/load.js";
import { parseLevel } from "../source/checklist/monitor-schema.js";
import type { Step } from "../source/checklist/schema.js";
import { limitsOf } from "../source/report/limits.js";

/**
 * docs/seed-coverage.md maps every item of the hand-filled rollout documents (the seeds)
 * to the checklist step that covers it. These tests keep that map honest: enough rows for
 * every seed, references that name real steps, and a reason wherever no step is named.
 */

const root = new URL("../", import.meta.url);
const seedsDir = new URL("../../shared/seeds/", import.meta.url);
const checklistsDir = new URL("checklists/", root);
const coverage = readFileSync(new URL("docs/seed-coverage.md", root), "utf8");

/**
 * What counts as one seed item: a line that carries a checkbox, written `[ ]` (in `- [ ]`
 * lists, after a label such as `Overall Status: [ ] PASS`, or in a table cell), `[✅]`,
 * `[⚠️]` (accepted with a warning) or `☐`; or a list item that starts with a ✅ mark
 * (`- ✅ …`, `1. ✅ …`), which is how the rollout report lists what it verified. A line
 * with several boxes (`☐ Pass ☐ Fail`) is one item: the table gives it one row. Rows for
 * criteria without a box (monitoring tables, thresholds, rollback procedures) come on top,
 * so a section must have at least as many rows as this count.
 */
const ITEM = /\[(?: |✅|⚠\uFE0F?)\]|☐|^\s*(?:[-*]|\d+\.)\s+✅/u;

const REFERENCE = /`([a-z0-9][a-z0-9-]*\.yaml)#([a-z0-9][a-z0-9/-]*)`/g;

interface Row {
	readonly line: number;
	readonly number: string;
	readonly item: string;
	readonly coveredBy: string;
	readonly note: string;
}

interface Section {
	readonly seed: string;
	readonly title: string;
	readonly rows: Row[];
}

function countItems(text: string): number {
	return text.split("\n").filter((line) => ITEM.test(line)).length;
}

/** Splits a Markdown table row on the pipes that are not escaped as `\|`. */
function cells(line: string): string[] {
	const parts = line.trim().split(/(?<!\\)\|/);
	return parts.slice(1, -1).map((part) => part.trim().replaceAll("\\|", "|"));
}

function parseSections(markdown: string): Section[] {
	const sections: Section[] = [];
	let current: Section | undefined;
	for (const [index, line] of markdown.split("\n").entries()) {
		const heading = /^## (\S+) — (.+)$/.exec(line);
		if (heading) {
			current = { seed: heading[1] ?? "", title: heading[2] ?? "", rows: [] };
			sections.push(current);
			continue;
		}
		if (!current || !line.startsWith("|")) continue;
		if (/^\|\s*#\s*\|/.test(line) || /^\|[\s|:-]+\|$/.test(line)) continue;
		const [number = "", item = "", coveredBy = "", note = ""] = cells(line);
		current.rows.push({ line: index + 1, number, item, coveredBy, note });
	}
	return sections;
}

/** A step as written in a checklist file, for what a note quotes and the pass-rate rule. */
interface RawStep {
	readonly id: string;
	readonly rules?: { readonly minPassRate?: number };
}

/**
 * A checklist as written (for quoted text), and as rollout loads it (for figures: thresholds
 * and monitor tiers are read by the same code that writes them into the record).
 */
interface Checklist {
	readonly steps: ReadonlyMap<string, RawStep>;
	readonly loaded: ReadonlyMap<string, Step>;
	readonly minPassRate?: number;
}

/** Steps by id: bare, and `followup-id/step-id` for the steps of follow-ups. */
function byId<T extends { id: string }>(
	phases: readonly { steps?: readonly T[] }[],
	rollback: readonly T[],
	followups: readonly { id: string; steps?: readonly T[] }[],
): Map<string, T> {
	const steps = new Map<string, T>();
	for (const phase of phases) for (const step of phase.steps ?? []) steps.set(step.id, step);
	for (const step of rollback) steps.set(step.id, step);
	for (const followup of followups) {
		for (const step of followup.steps ?? []) {
			steps.set(step.id, step);
			steps.set(`${followup.id}/${step.id}`, step);
		}
	}
	return steps;
}

function readChecklist(file: string): Checklist {
	const path = new URL(file, checklistsDir);
	const data = parse(readFileSync(path, "utf8")) as {
		decision?: { minPassRate?: number };
		phases?: { steps?: RawStep[] }[];
		rollback?: { steps?: RawStep[]; verify?: RawStep[] };
		followups?: { id: string; steps?: RawStep[] }[];
	};
	const result = loadChecklistFile(path.pathname);
	if (!result.ok)
		throw new Error(`${file} does not load: ${result.problems.map((p) => p.message).join("; ")}`);
	const { checklist } = result.loaded;
	return {
		steps: byId(
			data.phases ?? [],
			[...(data.rollback?.steps ?? []), ...(data.rollback?.verify ?? [])],
			data.followups ?? [],
		),
		loaded: byId(
			checklist.phases,
			[...(checklist.rollback?.steps ?? []), ...(checklist.rollback?.verify ?? [])],
			checklist.followups ?? [],
		),
		minPassRate: data.decision?.minPassRate,
	};
}

const checklists = new Map<string, Checklist>();
function checklistOf(file: string): Checklist | undefined {
	if (!existsSync(new URL(file, checklistsDir))) return undefined;
	let checklist = checklists.get(file);
	if (!checklist) {
		checklist = readChecklist(file);
		checklists.set(file, checklist);
	}
	return checklist;
}

function idsOf(file: string): ReadonlySet<string> | undefined {
	const checklist = checklistOf(file);
	return checklist && new Set([...checklist.steps.keys(), ...checklist.loaded.keys()]);
}

/** The steps a row cites, as written in their checklists. */
function citedSteps(row: Row): RawStep[] {
	return [...row.coveredBy.matchAll(REFERENCE)].flatMap(([, file = "", id = ""]) => {
		const step = checklistOf(file)?.steps.get(id);
		return step ? [step] : [];
	});
}

/** The steps a row cites, as rollout loads them. */
function loadedSteps(row: Row): Step[] {
	return [...row.coveredBy.matchAll(REFERENCE)].flatMap(([, file = "", id = ""]) => {
		const step = checklistOf(file)?.loaded.get(id);
		return step ? [step] : [];
	});
}

/**
 * A figure a note says a cited step holds: `pass_rate > 95`, `critical >= 1` (a monitor's
 * tier), `page > baseline + 10%`, `minPassRate 95` (the decision's rule), `timeout: 10m`.
 */
const FIGURE =
	/\b([a-z][a-z_]*) (>=|<=|==|!=|>|<) (-?\d[\d,]*(?:\.\d+)?|baseline(?: [+-] \d+(?:\.\d+)?%?)?)(?: for (\d+(?: readings?|[a-z]+)))?(?: → ([a-z-]+))?/g;
/** `onCritical: rollback` in a note: the action of a cited monitor's critical tier (`continue` only notifies). */
const ON_CRITICAL = /\bonCritical: ([a-z]+)/g;
const PASS_RATE_RULE = /\bminPassRate (\d+(?:\.\d+)?)/g;
const TIMEOUT = /\btimeout: (\d+[a-z]+)/g;

/** A note's name for a monitor's tier: `warn` or `warning`, `critical`, `page`. */
const TIER_NAMES: Record<string, string> = {
	warn: "warning",
	warning: "warning",
	critical: "critical",
	page: "page",
};

/**
 * Whether one of the steps holds `name condition`: as a threshold on its figures, or as one of
 * a monitor's tiers, read as the record reads them.
 */
function holds(
	steps: readonly Step[],
	name: string,
	condition: string,
	held: { for?: string; action?: string } = {},
): boolean {
	const said = parseLevel(condition);
	const same = (written: { op: string; value: number } | undefined) =>
		said !== undefined && !said.baseline && written?.op === said.op && written.value === said.value;
	return steps.some(
		(step) =>
			// A prompt's typed number is judged against its own threshold.
			(step.kind === "prompt" &&
				(step.fields ?? []).some((field) => field.name === name && same(field.expect))) ||
			limitsOf(step, undefined).some((limit) => {
				const named = limit.level
					? TIER_NAMES[name] === limit.level
					: limit.metric === name || limit.metric.endsWith(`_${name}`);
				const written = parseLevel(limit.condition);
				return (
					named &&
					said !== undefined &&
					written !== undefined &&
					written.op === said.op &&
					written.value === said.value &&
					written.baseline === said.baseline &&
					(held.for === undefined || limit.rule.includes(` for ${held.for} `)) &&
					(held.action === undefined || limit.action === held.action)
				);
			}),
	);
}

/** Every string a step holds, for finding what a note quotes from it. */
function strings(value: unknown): string[] {
	if (typeof value === "string") return [value];
	if (Array.isArray(value)) return value.flatMap(strings);
	if (value && typeof value === "object") return Object.values(value).flatMap(strings);
	return [];
}

const sections = parseSections(coverage);
// The seed documents live beside the repository, not in it: a clone alone checks the table's
// own consistency, and the comparison with the seeds runs wherever they are present.
const seedsPresent = existsSync(seedsDir);
const seeds = seedsPresent
	? readdirSync(seedsDir)
			.filter((name) => name.endsWith(".txt"))
			.sort()
	: [];

describe("docs/seed-coverage.md", () => {
	it("has sections, each with rows", () => {
		expect(sections.length).toBeGreaterThan(0);
		for (const section of sections) expect(section.rows.length, section.seed).toBeGreaterThan(0);
	});

	it.skipIf(!seedsPresent)("has one section per seed document (needs ../shared/seeds)", () => {
		expect(sections.map((section) => section.seed).sort()).toEqual(seeds);
	});

	describe.each(sections)("$seed", (section) => {
		it("numbers its rows 1..N", () => {
			expect(section.rows.map((row) => row.number)).toEqual(
				section.rows.map((_, index) => String(index + 1)),
			);
		});

		it.skipIf(!seedsPresent)("has a row for every checkbox item of the seed (needs ../shared/seeds)", () => {
			const seed = readFileSync(new URL(section.seed, seedsDir), "utf8");
			const items = countItems(seed);
			expect(items).toBeGreaterThan(0);
			expect(section.rows.length).toBeGreaterThanOrEqual(items);
		});

		it("names only steps that exist in the checklists", () => {
			const problems: string[] = [];
			for (const row of section.rows) {
				if (row.coveredBy === "—") continue;
				const references = [...row.coveredBy.matchAll(REFERENCE)];
				if (references.length === 0) {
					problems.push(`line ${row.line}: no \`file.yaml#step-id\` in "${row.coveredBy}"`);
				}
				for (const [, file = "", id = ""] of references) {
					const ids = idsOf(file);
					if (!ids) problems.push(`line ${row.line}: no checklist ${file}`);
					else if (!ids.has(id)) problems.push(`line ${row.line}: ${file} has no step ${id}`);
				}
			}
			expect(problems).toEqual([]);
		});

		it("says only figures its cited steps hold: thresholds, monitor levels, the pass-rate rule, timeouts", () => {
			const problems: string[] = [];
			for (const row of section.rows) {
				if (row.coveredBy === "—") continue;
				const steps = citedSteps(row);
				const loaded = loadedSteps(row);
				const file = REFERENCE.exec(row.coveredBy)?.[1] ?? "";
				REFERENCE.lastIndex = 0;
				for (const [said, name = "", op = "", value = "", held, action] of row.note.matchAll(FIGURE)) {
					if (!holds(loaded, name, `${op} ${value.replaceAll(",", "")}`, { for: held, action }))
						problems.push(`line ${row.line}: "${said}" is not a threshold or tier of ${row.coveredBy}`);
				}
				for (const [said, action = ""] of row.note.matchAll(ON_CRITICAL)) {
					const critical = loaded
						.flatMap((step) => limitsOf(step, undefined))
						.filter((limit) => limit.level !== undefined && limit.level !== "warning");
					const wanted = action === "continue" ? "notify" : action;
					if (!critical.some((limit) => limit.action === wanted))
						problems.push(
							`line ${row.line}: "${said}" is not the action of a critical tier of ${row.coveredBy}`,
						);
				}
				for (const [said, value = ""] of row.note.matchAll(PASS_RATE_RULE)) {
					const rules = [checklistOf(file)?.minPassRate, ...steps.map((step) => step.rules?.minPassRate)];
					if (!rules.includes(Number(value)))
						problems.push(`line ${row.line}: "${said}" is not the decision's rule`);
				}
				for (const [said, value = ""] of row.note.matchAll(TIMEOUT)) {
					if (!loaded.some((step) => "timeout" in step && step.timeout === parseDuration(value)))
						problems.push(`line ${row.line}: "${said}" is not the timeout of ${row.coveredBy}`);
				}
			}
			expect(problems).toEqual([]);
		});

		it("quotes in its notes only what its cited steps hold: commands, expected output", () => {
			const problems: string[] = [];
			for (const row of section.rows) {
				if (row.coveredBy === "—") continue;
				const held = citedSteps(row).flatMap(strings).join("\n");
				for (const [, quoted = ""] of row.note.matchAll(/`([^`]+)`/g)) {
					if (!held.includes(quoted))
						problems.push(`line ${row.line}: \`${quoted}\` is in none of ${row.coveredBy}`);
				}
			}
			expect(problems).toEqual([]);
		});

		it.skipIf(!seedsPresent)(
			"names a command only as the seed writes it, near the item (needs ../shared/seeds)",
			() => {
				const seed = readFileSync(new URL(section.seed, seedsDir), "utf8").split("\n");
				const problems: string[] = [];
				for (const row of section.rows) {
					const line = Number(/\(l\. (\d+)/.exec(row.item)?.[1] ?? 0);
					const near = seed.slice(Math.max(0, line - 3), line + 10).join("\n");
					for (const [, command = ""] of row.note.matchAll(/\bcommand `([^`]+)`/g)) {
						if (!near.includes(command))
							problems.push(`line ${row.line}: \`${command}\` is not near l. ${line} of the seed`);
					}
				}
				expect(problems).toEqual([]);
			},
		);

		it("gives a reason wherever no step covers an item", () => {
			const missing = section.rows
				.filter((row) => row.coveredBy === "—" && row.note === "")
				.map((row) => `line ${row.line}: ${row.item}`);
			expect(missing).toEqual([]);
		});
	});
});
