import { describe, expect, it } from "vitest";
import { formatProblem } from "../../source/checklist/errors.js";
import { loadChecklistFile } from "../../source/checklist/load.js";

const NAME = "invalid/monitor-rules.yaml";

describe("monitor levels, baselines, sustained conditions, alert tiers and sources: loader errors at file:line:column", () => {
	it("names every broken monitor rule at its key", () => {
		const result = loadChecklistFile(`test/fixtures/${NAME}`, { displayName: NAME });
		if (result.ok) throw new Error(`${NAME} loaded, but it should not`);
		expect(result.problems.map(formatProblem)).toEqual([
			`${NAME}:18:50: phases[0].steps[1].baseline.metric: memory-before records no rss_mb: its figures are memory_mb`,
			`${NAME}:24:27: phases[0].steps[2].baseline.step: "later" is not a step before this one: the baseline must be recorded earlier`,
			`${NAME}:30:19: phases[0].steps[3].critical: "> baseline" compares with a baseline: add baseline: { step: <an earlier step>, metric: <its figure> }`,
			`${NAME}:38:20: phases[0].steps[4].sustained: sustained for 10m can never hold: 10 reading(s) 1m apart span 9 minutes (raise samples: to at least 11)`,
			`${NAME}:44:9: phases[0].steps[5].warn: warn: and alerts: both set the levels: put this level in alerts: as a tier`,
			`${NAME}:46:22: phases[0].steps[5].alerts[0].level: unknown alert level "severe": use warning, critical or page`,
			`${NAME}:47:50: phases[0].steps[5].alerts[1].for: sustained for 3 readings can never hold: the monitor takes 1 (samples:)`,
			`${NAME}:47:70: phases[0].steps[5].alerts[1].action: action: schedule-rollback needs within: (how long after the breach the rollback is due), such as within: 24h`,
			`${NAME}:48:34: phases[0].steps[5].alerts[2].when: "> baseline - 5%" compares with a baseline: add baseline: { step: <an earlier step>, metric: <its figure> }`,
			`${NAME}:48:77: phases[0].steps[5].alerts[2].within: within: is only read with action: schedule-rollback`,
			`${NAME}:52:55: phases[0].steps[6].source.jsonl.field: aggregate: ratio counts records, it reads no field: filter them with match: and where:`,
			`${NAME}:52:75: phases[0].steps[6].source.jsonl.aggregate: aggregate: ratio needs match: (the records whose share is the reading), such as match: { level: error }`,
			`${NAME}:53:20: phases[0].steps[6].sustained: bad sustained "ten minutes": use a duration such as 10m, or a count of readings such as "3 readings"`,
			`${NAME}:57:59: phases[0].steps[7].source.jsonl.aggregate: aggregate: p95 needs field: (the number to aggregate)`,
			`${NAME}:63:9: phases[0].steps[8].samples: samples: and window: both say how long to watch: keep one`,
			`${NAME}:65:27: phases[0].steps[8].checkpoints[1]: checkpoints go up: each comes after the one before it`,
			`${NAME}:65:31: phases[0].steps[8].checkpoints[2]: 72h is past the end of the window (48h)`,
		]);
	});
});
