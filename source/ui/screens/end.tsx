import { Box, Text } from "ink";
import SelectInput from "ink-select-input";
import { useMemo, useState } from "react";
import { formatSpan } from "../../checklist/duration.js";
import type { Engine } from "../../engine/engine.js";
import { describeAction } from "../../report/rollback-plan.js";
import { FORMATS } from "../../report/write.js";
import { endedBadly, listingStatus } from "../../session/rules.js";
import type { KeyTable } from "../key-bindings.js";
import { colorOf } from "../theme.js";
import { useSession } from "../use-session.js";
import type { Wizard } from "../use-wizard.js";
import { toneOf } from "../views/forms.js";
import type { Screen } from "../wizard-state.js";
import { ScreenFrame, type ScreenProps } from "./frame.js";
import { PlanActions } from "./rollback.js";

type Panel = Extract<Screen, { name: "done" }>["panel"];

function followupsOffered(engine: Engine): boolean {
	return engine.followupsOpen() && (engine.definition.followups ?? []).length > 0;
}

export function summaryKeys(wizard: Wizard, scroll?: (by: number) => void): KeyTable {
	const { engine } = wizard;
	const panel = (panel: Panel) => () => wizard.show({ name: "done", panel });
	return [
		{ name: "export", label: "export", run: panel("export") },
		{ name: "plan", label: "plan", run: panel("plan") },
		...(engine.state.dryRun
			? []
			: [
					{
						name: "rollback",
						label: "roll back",
						run: () => wizard.askRollback("asked by the operator"),
					} as const,
				]),
		...(followupsOffered(engine)
			? [{ name: "followup", label: "follow-up", run: panel("followup") } as const]
			: []),
		...(scroll
			? ([
					{ name: "down", label: "scroll", run: () => scroll(1) },
					{ name: "up", label: "up", run: () => scroll(-1), quiet: true },
				] as const)
			: []),
		{ name: "review", label: "review", run: () => wizard.openReview() },
		{ name: "help", label: "keys", run: () => wizard.dispatch({ type: "toggle-help" }) },
		{ name: "quit", label: "quit", run: () => wizard.quit(endedBadly(engine.state) ? 1 : 0) },
	];
}

/** The end: the outcome line always on top, its reasons and approvals scrolling under it. */
export function EndScreen({ wizard, room, typing, panel }: ScreenProps & { readonly panel: Panel }) {
	const { engine } = wizard;
	const session = useSession(engine);
	const [top, setTop] = useState(0);
	const outcome = engine.outcome();
	// The plan reads the backups' records: once per panel shown, not at every redraw.
	const actions = useMemo(
		() => (panel === "plan" ? engine.rollbackPlan().actions.map(describeAction) : []),
		[engine, panel],
	);
	const back: KeyTable = [
		{ name: "back", label: "back", run: () => wizard.show({ name: "done", panel: "summary" }) },
	];
	if (panel === "plan")
		return (
			<ScreenFrame keys={back} typing={typing} message={wizard.state.message}>
				<Text bold>{`Rollback plan (${actions.length} action${actions.length === 1 ? "" : "s"})`}</Text>
				<PlanActions actions={actions} room={room - 3} />
				<Text color={colorOf("dim")} wrap="wrap">{`${engine.dir}/rollback-plan.md · rollback-plan.sh`}</Text>
			</ScreenFrame>
		);
	if (panel === "export" || panel === "followup") {
		const items =
			panel === "export"
				? FORMATS.map((format) => ({ key: format, label: format, value: format as string }))
				: (engine.definition.followups ?? []).map((item) => ({
						key: item.id,
						label: `${item.title} (after ${formatSpan(item.after)})`,
						value: item.id,
					}));
		return (
			<ScreenFrame keys={[{ name: "confirm", label: "select", run: () => {} }, ...back]} typing={typing}>
				<Text bold>{panel === "export" ? "Export the record as:" : "Start a follow-up:"}</Text>
				<SelectInput
					items={items}
					onSelect={(item) => {
						if (panel === "followup") return wizard.startFollowup(item.value);
						wizard.show({ name: "done", panel: "summary" });
						wizard.exportAs(item.value as (typeof FORMATS)[number]);
					}}
				/>
			</ScreenFrame>
		);
	}
	const status = listingStatus(session);
	const lines = [
		...(outcome?.reasons ?? []).map((reason) => ({ text: `  • ${reason}`, tone: undefined })),
		...(outcome?.conditions ?? []).map((condition) => ({
			text: `  condition: ${condition}`,
			tone: "warn" as const,
		})),
		...session.approvals.map((approval) => ({
			text: `  ${approval.decision === "approve" ? "✓" : "✗"} ${approval.role}: ${approval.name}`,
			tone: undefined,
		})),
		{ text: `Record: ${engine.dir}/signoff.md · rollback-plan.md`, tone: "dim" as const },
	];
	const rows = Math.max(1, room - 4);
	const scroll = (by: number) => setTop((at) => Math.max(0, Math.min(lines.length - rows, at + by)));
	return (
		<ScreenFrame
			keys={summaryKeys(wizard, lines.length > rows ? scroll : undefined)}
			typing={typing}
			message={wizard.state.message}
		>
			<Text>
				{status === "in progress" ? "Session open: " : "Session ended: "}
				<Text bold color={colorOf(toneOf(outcome?.outcome ?? status))}>
					{status === "in progress" ? `decided ${outcome?.outcome ?? "nothing yet"}` : status}
				</Text>
				{outcome && status !== outcome.outcome ? <Text>{` (outcome ${outcome.outcome})`}</Text> : null}
			</Text>
			<Box flexDirection="column">
				{lines.slice(top, top + rows).map((line) => (
					<Text key={line.text} wrap="wrap" color={colorOf(line.tone)}>
						{line.text}
					</Text>
				))}
				{top + rows < lines.length ? (
					<Text color={colorOf("dim")}>{`… ${lines.length - top - rows} more (↓)`}</Text>
				) : null}
			</Box>
		</ScreenFrame>
	);
}
