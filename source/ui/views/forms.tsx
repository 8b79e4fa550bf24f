import { Box, Text } from "ink";
import SelectInput from "ink-select-input";
import TextInput from "ink-text-input";
import { useRef, useState } from "react";
import type { Step } from "../../checklist/schema.js";
import type { Approval } from "../../engine/engine.js";
import type { Outcome } from "../../session/events.js";
import type { Decision } from "../../steps/decision/decision.js";
import { allowedOutcomes } from "../../steps/decision/decision.js";
import { colorOf } from "../theme.js";
import { useTyping } from "../typing.js";

type Kind<K extends Step["kind"]> = Extract<Step, { kind: K }>;

/** One line of text: a label, the input, Enter to submit. An empty answer is refused when `required`. */
export function TextField({
	label,
	fallback,
	required = false,
	onSubmit,
}: {
	readonly label: string;
	/** Shown greyed in the empty field and taken when Enter is pressed on it. */
	readonly fallback?: string;
	readonly required?: boolean;
	readonly onSubmit: (value: string) => void;
}) {
	const [value, setValue] = useState("");
	// Text and Enter that arrive together (a paste, a fast typist) are handled before React
	// re-renders: the submitted value is read from here, not from the last render.
	const latest = useRef("");
	const [refused, setRefused] = useState(false);
	useTyping();
	return (
		<Box flexDirection="column">
			<Box>
				<Text bold>{`${label} `}</Text>
				<TextInput
					value={value}
					onChange={(next) => {
						latest.current = next;
						setValue(next);
						setRefused(false);
					}}
					placeholder={fallback}
					onSubmit={() => {
						const answer = latest.current.trim() || fallback || "";
						if (required && answer === "") setRefused(true);
						else onSubmit(answer);
					}}
				/>
			</Box>
			{refused ? <Text color={colorOf("bad")}>This cannot be empty.</Text> : null}
		</Box>
	);
}

/** Pass / Fail / Skip, then optional notes (a skip's notes are its reason). */
export function PromptForm({
	step,
	onAnswer,
}: {
	readonly step: Kind<"prompt">;
	readonly onAnswer: (result: "pass" | "fail" | "skip", notes?: string) => void;
}) {
	const [result, setResult] = useState<"pass" | "fail" | "skip">();
	return (
		<Box flexDirection="column">
			{step.question ? <Text bold>{step.question}</Text> : null}
			{result === undefined ? (
				<SelectInput
					items={[
						{ key: "pass", label: "Pass", value: "pass" as const },
						{ key: "fail", label: "Fail", value: "fail" as const },
						{ key: "skip", label: "Skip", value: "skip" as const },
					]}
					onSelect={(item) => setResult(item.value)}
				/>
			) : (
				<TextField
					label={
						result === "skip" ? "Why skip it?" : result === "fail" ? "What went wrong?" : "Notes (optional):"
					}
					required={result !== "pass"}
					onSubmit={(notes) => onAnswer(result, notes || undefined)}
				/>
			)}
		</Box>
	);
}

/**
 * The decision the rules reach, with every reason. The operator confirms it, may downgrade,
 * and may go ahead against it only as GO WITH CONDITIONS, with the conditions written.
 */
export function DecisionForm({
	proposed,
	onDecide,
}: {
	readonly proposed: Decision;
	readonly onDecide: (choice: { outcome: Outcome; conditions?: string[] }) => void;
}) {
	const [conditions, setConditions] = useState<string[]>();
	const items = allowedOutcomes(proposed.outcome).map((outcome) => ({
		key: outcome,
		label:
			outcome === proposed.outcome
				? `Confirm ${outcome}`
				: outcome === "GO WITH CONDITIONS"
					? "GO WITH CONDITIONS (write the conditions)"
					: `Change to ${outcome}`,
		value: outcome,
	}));
	return (
		<Box flexDirection="column">
			<Text>
				{"The rules say: "}
				<Text bold color={colorOf(toneOf(proposed.outcome))}>
					{proposed.outcome}
				</Text>
			</Text>
			{proposed.reasons.map((reason) => (
				<Text key={reason} wrap="truncate-end">{`  • ${reason}`}</Text>
			))}
			{proposed.conditions.map((condition) => (
				<Text key={condition} color={colorOf("warn")} wrap="truncate-end">{`  condition: ${condition}`}</Text>
			))}
			{conditions === undefined ? (
				<SelectInput
					items={items}
					onSelect={(item) =>
						item.value === "GO WITH CONDITIONS" && proposed.outcome !== item.value
							? setConditions([])
							: onDecide({ outcome: item.value })
					}
				/>
			) : (
				<Box flexDirection="column">
					{conditions.map((condition, index) => (
						<Text key={condition}>{`  ${index + 1}. ${condition}`}</Text>
					))}
					<TextField
						key={conditions.length}
						label={
							conditions.length === 0
								? "Condition 1:"
								: `Condition ${conditions.length + 1} (empty to finish):`
						}
						required={conditions.length === 0}
						onSubmit={(condition) =>
							condition
								? setConditions([...conditions, condition])
								: onDecide({ outcome: "GO WITH CONDITIONS", conditions })
						}
					/>
				</Box>
			)}
		</Box>
	);
}

export function toneOf(outcome: string) {
	return outcome === "GO" ? "ok" : outcome === "NO-GO" ? "bad" : "warn";
}

/** Each role in turn: the approver's name, approve or reject, an optional comment. */
export function SignoffForm({
	step,
	given,
	onApprove,
}: {
	readonly step: Kind<"signoff">;
	/** The approvals recorded so far, each the moment it was entered. */
	readonly given: readonly Approval[];
	readonly onApprove: (approval: Approval) => void;
}) {
	const [name, setName] = useState<string>();
	const [decision, setDecision] = useState<Approval["decision"]>();
	const done = step.roles.flatMap((role) => given.filter((approval) => approval.role === role).slice(-1));
	const role = step.roles.find((item) => !done.some((approval) => approval.role === item)) ?? "";
	const record = (comment: string) => {
		setName(undefined);
		setDecision(undefined);
		onApprove({ role, name: name ?? "", decision: decision ?? "reject", comment: comment || undefined });
	};
	return (
		<Box flexDirection="column">
			{done.map((approval) => (
				<Text key={approval.role} wrap="truncate-end">
					<Text color={colorOf(approval.decision === "approve" ? "ok" : "bad")}>
						{approval.decision === "approve" ? "✓" : "✗"}
					</Text>
					{` ${approval.role}: ${approval.name} ${approval.decision === "approve" ? "approves" : "rejects"}${approval.comment ? ` — ${approval.comment}` : ""}`}
				</Text>
			))}
			<Text bold>{`${role} (${done.length + 1} of ${step.roles.length})`}</Text>
			{name === undefined ? (
				<TextField key={`name-${role}`} label="Name:" required onSubmit={setName} />
			) : decision === undefined ? (
				<SelectInput
					items={[
						{ key: "approve", label: `${name} approves`, value: "approve" as const },
						{ key: "reject", label: `${name} rejects`, value: "reject" as const },
					]}
					onSelect={(item) => setDecision(item.value)}
				/>
			) : (
				<TextField
					key={`comment-${role}`}
					label={decision === "reject" ? "Why reject? (required):" : "Comment (optional):"}
					required={decision === "reject"}
					onSubmit={record}
				/>
			)}
		</Box>
	);
}
