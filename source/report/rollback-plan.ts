import { flagFormat } from "../checklist/flag-format.js";
import type { Step } from "../checklist/schema.js";
import { placedSteps } from "../checklist/steps.js";
import { recordedBackups } from "../session/manifest.js";
import type { Previous } from "../steps/flag/edit.js";
import type { MonitorVerdict } from "../steps/monitor/monitor.js";
import type { SessionData } from "./session-data.js";

/** One thing the rollback does, in order. */
export type RollbackAction =
	| {
			readonly kind: "revert-flag";
			readonly stepId: string;
			readonly file: string;
			readonly format: "yaml" | "json" | "env";
			readonly key: string;
			/** The value the rollout wrote, and what it goes back to. */
			readonly current: unknown;
			readonly previous: Previous;
			readonly diff?: string;
	  }
	| {
			readonly kind: "restore";
			readonly stepId: string;
			readonly source: string;
			/** Where `source` led at backup time; the restore writes there and nowhere else. */
			readonly realPath?: string;
			readonly backup: string;
			readonly sha256: string;
			readonly mode?: number;
	  }
	| { readonly kind: "step"; readonly section: "steps" | "verify"; readonly step: Step };

export interface RollbackPlan {
	readonly actions: readonly RollbackAction[];
	readonly triggers: readonly string[];
	/** What started the rollback, when a monitor breach did. */
	readonly fired?: string;
}

/**
 * The way back, from what really happened: each flag the session changed reverted in
 * reverse order, each backed-up file restored (checksum first), then the checklist's
 * rollback steps and their verification.
 */
export function deriveRollbackPlan(data: SessionData): RollbackPlan {
	const { records, definition, state } = data;
	const flagSteps = new Map(
		placedSteps(definition).flatMap(({ step }) => (step.kind === "flag" ? [[step.id, step] as const] : [])),
	);
	const writes: RollbackAction[] = [];
	const announced = new Map<string, { file: string; key: string; from: Previous; to: unknown }>();
	for (const record of records) {
		if (record.type === "step.intent" && record.data.action === "flag-write") {
			announced.set(
				record.data.stepId,
				record.data.detail as { file: string; key: string; from: Previous; to: unknown },
			);
		}
		if (record.type === "step.effect" && record.data.action === "flag-write") {
			const write = announced.get(record.data.stepId);
			const step = flagSteps.get(record.data.stepId);
			if (!write || !step) continue;
			const evidence = state.results[record.data.stepId]?.evidence as { diff?: string } | undefined;
			writes.push({
				kind: "revert-flag",
				stepId: record.data.stepId,
				file: write.file,
				format: flagFormat(step.file, step.format),
				key: write.key,
				current: write.to,
				previous: write.from,
				diff: evidence?.diff,
			});
			announced.delete(record.data.stepId);
		}
	}
	// Checksums from the hash-chained log, not manifest.json: a backup edited together with
	// its manifest entry must still be refused.
	const restores: RollbackAction[] = recordedBackups(records).flatMap((entry) =>
		!entry.backup || !entry.sha256
			? []
			: [
					{
						kind: "restore" as const,
						stepId: entry.stepId,
						source: entry.source,
						realPath: entry.realPath,
						backup: entry.backup,
						sha256: entry.sha256,
						mode: entry.mode,
					},
				],
	);
	const rollback = definition.rollback;
	return {
		actions: [
			...writes.reverse(),
			...restores.reverse(),
			...(rollback?.steps ?? []).map((step) => ({ kind: "step" as const, section: "steps" as const, step })),
			...(rollback?.verify ?? []).map((step) => ({
				kind: "step" as const,
				section: "verify" as const,
				step,
			})),
		],
		triggers: rollback?.triggers ?? [],
		fired: firedTrigger(data),
	};
}

function firedTrigger(data: SessionData): string | undefined {
	for (const ref of data.state.steps) {
		const monitor = (data.state.results[ref.id]?.evidence as { monitor?: MonitorVerdict } | undefined)
			?.monitor;
		// A tier at any level can call for the rollback; older records say so only of a critical breach.
		if (
			monitor?.action === "rollback" ||
			(monitor?.outcome === "critical" && monitor.onCritical === "rollback")
		)
			return monitor.summary ?? `monitor ${ref.id}`;
	}
	return undefined;
}

/** One line per action, for plans and prompts. */
export function describeAction(action: RollbackAction): string {
	switch (action.kind) {
		case "revert-flag":
			return action.previous.present
				? `revert ${action.key} in ${action.file}: ${JSON.stringify(action.current)} → ${JSON.stringify(action.previous.value)}`
				: `remove ${action.key} from ${action.file} (it was absent)`;
		case "restore":
			return `restore ${action.source} from ${action.backup} (sha256 ${action.sha256.slice(0, 12)}…)`;
		case "step":
			return `${action.section === "verify" ? "verify" : "run"} ${action.step.id}: ${action.step.title}`;
	}
}
