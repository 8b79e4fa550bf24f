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

/** Step ids of a checklist: bare, and `followup-id/step-id` for the steps of follow-ups. */
function stepIds(file: string): Set<string> {
	const data = parse(readFileSync(new URL(file, checklistsDir), "utf8")) as {
		phases?: { steps?: { id: string }[] }[];
		rollback?: { steps?: { id: string }[]; verify?: { id: string }[] };
		followups?: { id: string; steps?: { id: string }[] }[];
	};
	const ids = new Set<string>();
	for (const phase of data.phases ?? []) for (const step of phase.steps ?? []) ids.add(step.id);
	for (const step of data.rollback?.steps ?? []) ids.add(step.id);
	for (const step of data.rollback?.verify ?? []) ids.add(step.id);
	for (const followup of data.followups ?? []) {
		for (const step of followup.steps ?? []) {
			ids.add(step.id);
			ids.add(`${followup.id}/${step.id}`);
		}
	}
	return ids;
}

const idsByFile = new Map<string, Set<string>>();
function idsOf(file: string): Set<string> | undefined {
	if (!existsSync(new URL(file, checklistsDir))) return undefined;
	let ids = idsByFile.get(file);
	if (!ids) {
		ids = stepIds(file);
		idsByFile.set(file, ids);
	}
	return ids;
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

		it("gives a reason wherever no step covers an item", () => {
			const missing = section.rows
				.filter((row) => row.coveredBy === "—" && row.note === "")
				.map((row) => `line ${row.line}: ${row.item}`);
			expect(missing).toEqual([]);
		});
	});
});
