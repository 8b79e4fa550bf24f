import { Box, Text } from "ink";
import SelectInput from "ink-select-input";
import { useState } from "react";
import type { Field } from "../../checklist/schema.js";
import { describeValue, fieldPrompt, readField } from "../../steps/prompt/fields.js";
import { colorOf } from "../theme.js";
import { TextField } from "./forms.js";

/**
 * A prompt's typed answers, one field at a time: a number (its unit and threshold beside it,
 * refused until it reads as a number), a choice picked from its list, or a line of text. Each
 * answer is shown judged as it will be recorded; `onDone` gets them all by field name.
 */
export function TypedFields({
	fields,
	given,
	onDone,
	onCancel,
}: {
	readonly fields: readonly Field[];
	/** Answers already taken: shown, not asked again. */
	readonly given?: Readonly<Record<string, string>>;
	readonly onDone?: (values: Record<string, string>) => void;
	/** Esc in a text field: back to the choice. */
	readonly onCancel?: () => void;
}) {
	const [values, setValues] = useState<Record<string, string>>(given ?? {});
	const [problem, setProblem] = useState<string>();
	const field = fields.find((item) => !Object.hasOwn(values, item.name));
	const take = (value: string) => {
		if (!field) return;
		const read = readField(field, value);
		if (read.problem) return setProblem(read.problem);
		setProblem(undefined);
		const next = { ...values, [field.name]: value };
		setValues(next);
		if (fields.every((item) => Object.hasOwn(next, item.name))) onDone?.(next);
	};
	const done = fields.filter((item) => Object.hasOwn(values, item.name));
	return (
		<Box flexDirection="column">
			{done.map((item) => {
				const value = readField(item, values[item.name]).value;
				return value ? (
					<Text key={item.name} color={colorOf(value.ok === false ? "bad" : "dim")} wrap="truncate-end">
						{`  ${describeValue(value)}`}
					</Text>
				) : null;
			})}
			{field?.type === "choice" ? (
				<Box flexDirection="column">
					<Text bold>{`${fieldPrompt(field)}:`}</Text>
					<SelectInput
						key={field.name}
						items={(field.choices ?? []).map((choice) => ({ key: choice, label: choice, value: choice }))}
						onSelect={(item) => take(item.value)}
					/>
				</Box>
			) : field ? (
				<TextField key={field.name} label={`${fieldPrompt(field)}:`} onSubmit={take} onCancel={onCancel} />
			) : null}
			{problem ? <Text color={colorOf("bad")}>{problem}</Text> : null}
		</Box>
	);
}
