import { Box, Text } from "ink";
import type { Step } from "../../checklist/schema.js";
import type { Approval } from "../../engine/engine.js";
import { colorOf } from "../theme.js";
import { TextField } from "./forms.js";

type Signoff = Extract<Step, { kind: "signoff" }>;

/** Where one role's entry stands: the name typed, then approve or reject. */
export interface SignoffEntry {
	readonly name?: string;
	readonly decision?: Approval["decision"];
}

/** The role whose approval is asked now, and the ones recorded so far (the last of each role). */
export function signoffProgress(step: Signoff, given: readonly Approval[]) {
	const done = step.roles.flatMap((role) => given.filter((approval) => approval.role === role).slice(-1));
	const role = step.roles.find((item) => !done.some((approval) => approval.role === item)) ?? "";
	return { done, role };
}

/**
 * Each role in turn: the approver's name, then approve or reject in one key (y / n, taken by the
 * step screen), then a comment — required after a reject.
 */
export function SignoffForm({
	step,
	given,
	entry,
	onName,
	onComment,
	onBack,
}: {
	readonly step: Signoff;
	/** The approvals recorded so far, each the moment it was entered. */
	readonly given: readonly Approval[];
	readonly entry: SignoffEntry;
	readonly onName: (name: string) => void;
	readonly onComment: (comment: string) => void;
	readonly onBack: () => void;
}) {
	const { done, role } = signoffProgress(step, given);
	return (
		<Box flexDirection="column">
			{done.map((approval) => (
				<Text key={approval.role} wrap="wrap">
					<Text color={colorOf(approval.decision === "approve" ? "ok" : "bad")}>
						{approval.decision === "approve" ? "✓" : "✗"}
					</Text>
					{` ${approval.role}: ${approval.name} ${approval.decision === "approve" ? "approves" : "rejects"}${approval.comment ? ` — ${approval.comment}` : ""}`}
				</Text>
			))}
			<Text bold>{`${role} (${done.length + 1} of ${step.roles.length})`}</Text>
			{entry.name === undefined ? (
				<TextField key={`name-${role}`} label="Name:" required onSubmit={onName} />
			) : entry.decision === undefined ? (
				<Text>
					{`Does ${entry.name} approve? `}
					<Text color={colorOf("ok")}>y</Text>
					{" approve   "}
					<Text color={colorOf("bad")}>n</Text>
					{" reject"}
				</Text>
			) : (
				<TextField
					key={`comment-${role}`}
					label={entry.decision === "reject" ? "Why reject? (required):" : "Comment (optional):"}
					required={entry.decision === "reject"}
					onSubmit={onComment}
					onCancel={onBack}
				/>
			)}
		</Box>
	);
}
