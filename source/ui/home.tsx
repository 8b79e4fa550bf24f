import { readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { Box, Text, useApp } from "ink";
import SelectInput from "ink-select-input";
import type { SessionSummary } from "../session/inspect.js";
import { keyHints } from "./key-bindings.js";
import { colorOf } from "./theme.js";

export type HomeChoice =
	| { readonly action: "resume" | "export"; readonly id: string }
	| { readonly action: "start"; readonly file: string }
	| { readonly action: "demo" };

/** The first screen of `rollout`: what can be resumed, started or exported from here. */
export function Home({
	sessions,
	checklistsDir,
	onChoose,
}: {
	readonly sessions: readonly SessionSummary[];
	readonly checklistsDir: string;
	readonly onChoose: (choice: HomeChoice) => void;
}) {
	const { exit } = useApp();
	const unfinished = sessions.filter((session) => session.status === "in progress");
	const finished = sessions.filter(
		(session) => session.status !== "in progress" && session.status !== "damaged",
	);
	const checklists = checklistFiles(checklistsDir);
	const items = [
		...unfinished.slice(0, 5).map((session) => ({
			key: `resume-${session.id}`,
			label: `resume  ${session.title} — ${session.done}/${session.total} steps${session.decision ? `, decided ${session.decision}` : ""}, ${session.operator} (${session.id})`,
			value: { action: "resume", id: session.id } as HomeChoice,
		})),
		...checklists.map((file) => ({
			key: `start-${file}`,
			label: `start   ${relative(process.cwd(), file)}`,
			value: { action: "start", file } as HomeChoice,
		})),
		{ key: "demo", label: "start   the demo (a throwaway service)", value: { action: "demo" } as HomeChoice },
		...finished.slice(0, 5).map((session) => ({
			key: `export-${session.id}`,
			label: `export  ${session.title} — ${session.status} (${session.id})`,
			value: { action: "export", id: session.id } as HomeChoice,
		})),
	];
	return (
		<Box flexDirection="column">
			<Text bold>rollout</Text>
			<Text color={colorOf("dim")}>
				{`${unfinished.length} unfinished, ${finished.length} finished session(s); ${checklists.length} checklist(s) in ./checklists`}
			</Text>
			<SelectInput
				items={items}
				limit={12}
				onSelect={(item) => {
					onChoose(item.value);
					exit();
				}}
			/>
			<Text color={colorOf("dim")}>
				{keyHints([
					["down", "choose"],
					["confirm", "select"],
					["interrupt", "quit"],
				])}
			</Text>
		</Box>
	);
}

function checklistFiles(dir: string): string[] {
	try {
		return readdirSync(dir)
			.filter((name) => /\.ya?ml$/.test(name))
			.sort()
			.map((name) => join(dir, name));
	} catch {
		return [];
	}
}
