import { Box, Text } from "ink";
import SelectInput from "ink-select-input";
import { useRef, useState } from "react";
import type { Step } from "../../checklist/schema.js";
import type { Outcome } from "../../session/events.js";
import type { Decision } from "../../steps/decision/decision.js";
import { allowedOutcomes } from "../../steps/decision/decision.js";
import { useKeys } from "../key-router.js";
import { colorOf } from "../theme.js";
import { useTyping } from "../typing.js";

type Kind<K extends Step["kind"]> = Extract<Step, { kind: K }>;

function stripControl(text: string): string {
	// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
	return text.replace(/[\u0000-\u001f\u007f]/g, "");
}

/**
 * One line of text: a label, the input, Enter to submit. An empty answer is refused when
 * `required`. Edited as in a shell: Backspace, Ctrl+U clears, Ctrl+W deletes the last word;
 * no control key ever ends up in the text.
 */
export function TextField({
	label,
	fallback,
	required = false,
	onSubmit,
	onCancel,
}: {
	readonly label: string;
	/** Shown greyed in the empty field and taken when Enter is pressed on it. */
	readonly fallback?: string;
	readonly required?: boolean;
	readonly onSubmit: (value: string) => void;
	/** Esc: back to where the field was opened from. */
	readonly onCancel?: () => void;
}) {
	const [value, setValue] = useState("");
	// Text and Enter that arrive together (a paste, a fast typist) are handled before React
	// re-renders: the value is kept here, not read from the last render.
	const latest = useRef("");
	const [refused, setRefused] = useState(false);
	useTyping();
	const change = (next: string) => {
		latest.current = next;
		setValue(next);
		setRefused(false);
	};
	useKeys(
		(input, key) => {
			if (key.escape) onCancel?.();
			else if (key.return) {
				const answer = latest.current.trim() || fallback || "";
				if (required && answer === "") setRefused(true);
				else onSubmit(answer);
			} else if (key.ctrl && input === "u") change("");
			else if (key.ctrl && input === "w") change(latest.current.replace(/\S+\s*$/, ""));
			else if (key.backspace || key.delete) change(latest.current.slice(0, -1));
			else if (!key.ctrl && !key.meta && !key.escape && !key.tab && !key.upArrow && !key.downArrow)
				change(latest.current + stripControl(input));
		},
		{ capture: true },
	);
	return (
		<Box flexDirection="column">
			<Box>
				<Text bold>{`${label} `}</Text>
				{value === "" && fallback ? <Text color={colorOf("dim")}>{fallback}</Text> : <Text>{value}</Text>}
				<Text inverse> </Text>
			</Box>
			{refused ? <Text color={colorOf("bad")}>This cannot be empty.</Text> : null}
		</Box>
	);
}

/** The three answers to a prompt; the step screen maps them to p, f and s. */
export type PromptChoice = "pass" | "fail" | "skip";

/**
 * The prompt's question and its answer: pass, fail or skip is picked in one key by the step
 * screen — there is no default, so holding Enter answers nothing — then notes: offered after a
 * pass (Enter goes on), required after a fail or a skip; Esc goes back to the choice.
 */
export function PromptForm({
	step,
	choice,
	onAnswer,
	onBack,
}: {
	readonly step: Kind<"prompt">;
	readonly choice?: PromptChoice;
	readonly onAnswer: (result: PromptChoice, notes?: string) => void;
	readonly onBack: () => void;
}) {
	return (
		<Box flexDirection="column">
			{step.question ? (
				<Text bold wrap="wrap">
					{step.question}
				</Text>
			) : null}
			{choice === undefined ? (
				<Text>
					<Text color={colorOf("ok")}>p</Text>
					{" pass   "}
					<Text color={colorOf("bad")}>f</Text>
					{" fail   "}
					<Text color={colorOf("dim")}>s</Text>
					{" skip"}
				</Text>
			) : (
				<TextField
					key={choice}
					label={
						choice === "skip"
							? "Why skip it? (required)"
							: choice === "fail"
								? "What went wrong? (required)"
								: "Notes (optional, Enter to go on):"
					}
					required={choice !== "pass"}
					onSubmit={(notes) => onAnswer(choice, notes || undefined)}
					onCancel={onBack}
				/>
			)}
		</Box>
	);
}

/**
 * The decision the rules reach (its reasons are listed above it by the step screen). The operator confirms it, may downgrade,
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
