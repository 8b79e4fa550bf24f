import { existsSync, readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

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

/** A step as written in a checklist file: only what these checks read. */
interface RawStep {
	readonly id: string;
	readonly kind?: string;
	readonly timeout?: string | number;
	readonly warn?: string;
	readonly critical?: string | boolean;
	readonly rules?: { readonly minPassRate?: number };
	readonly expect?: { readonly thresholds?: readonly Threshold[] };
	readonly verify?: { readonly expect?: { readonly thresholds?: readonly Threshold[] } };
}

interface Threshold {
	readonly metric: string;
	readonly op: string;
	readonly value: number;
}

interface Checklist {
	readonly steps: ReadonlyMap<string, RawStep>;
	readonly minPassRate?: number;
}

/** Steps of a checklist by id: bare, and `followup-id/step-id` for the steps of follow-ups. */
function readChecklist(file: string): Checklist {
	const data = parse(readFileSync(new URL(file, checklistsDir), "utf8")) as {
		decision?: { minPassRate?: number };
		phases?: { steps?: RawStep[] }[];
		rollback?: { steps?: RawStep[]; verify?: RawStep[] };
		followups?: { id: string; steps?: RawStep[] }[];
	};
	const steps = new Map<string, RawStep>();
	for (const phase of data.phases ?? []) for (const step of phase.steps ?? []) steps.set(step.id, step);
	for (const step of data.rollback?.steps ?? []) steps.set(step.id, step);
	for (const step of data.rollback?.verify ?? []) steps.set(step.id, step);
	for (const followup of data.followups ?? []) {
		for (const step of followup.steps ?? []) {
			steps.set(step.id, step);
			steps.set(`${followup.id}/${step.id}`, step);
		}
	}
	return { steps, minPassRate: data.decision?.minPassRate };
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
	return checklist && new Set(checklist.steps.keys());
}

/** The steps a row cites, as written in their checklists. */
function citedSteps(row: Row): RawStep[] {
	return [...row.coveredBy.matchAll(REFERENCE)].flatMap(([, file = "", id = ""]) => {
		const step = checklistOf(file)?.steps.get(id);
		return step ? [step] : [];
	});
}

/**
 * A figure a note says a cited step holds: `pass_rate > 95`, `critical >= 1` (a monitor's
 * level), `minPassRate 95` (the decision's rule), `timeout: 10m`.
 */
const FIGURE = /\b([a-z][a-z_]*) (>=|<=|==|!=|>|<) (-?\d[\d,]*(?:\.\d+)?)/g;
const PASS_RATE_RULE = /\bminPassRate (\d+(?:\.\d+)?)/g;
const TIMEOUT = /\btimeout: (\d+[a-z]+)/g;

/** Whether one of the steps holds `name op value`: as a threshold on its figures, or as a monitor's level. */
function holds(steps: readonly RawStep[], name: string, op: string, value: number): boolean {
	return steps.some((step) => {
		if (step.kind === "monitor" && (name === "warn" || name === "critical")) {
			const level = step[name];
			return typeof level === "string" && level.replace(/\s+/g, " ").trim() === `${op} ${value}`;
		}
		const thresholds = [...(step.expect?.thresholds ?? []), ...(step.verify?.expect?.thresholds ?? [])];
		return thresholds.some(
			(threshold) =>
				(threshold.metric === name || threshold.metric.endsWith(`_${name}`)) &&
				threshold.op === op &&
				threshold.value === value,
		);
	});
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
				const file = REFERENCE.exec(row.coveredBy)?.[1] ?? "";
				REFERENCE.lastIndex = 0;
				for (const [said, name = "", op = "", value = ""] of row.note.matchAll(FIGURE)) {
					if (!holds(steps, name, op, Number(value.replaceAll(",", ""))))
						problems.push(`line ${row.line}: "${said}" is not a threshold or level of ${row.coveredBy}`);
				}
				for (const [said, value = ""] of row.note.matchAll(PASS_RATE_RULE)) {
					const rules = [checklistOf(file)?.minPassRate, ...steps.map((step) => step.rules?.minPassRate)];
					if (!rules.includes(Number(value)))
						problems.push(`line ${row.line}: "${said}" is not the decision's rule`);
				}
				for (const [said, value = ""] of row.note.matchAll(TIMEOUT)) {
					if (!steps.some((step) => String(step.timeout) === value))
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
