import { resolve } from "node:path";
import { SECRET_REFERENCE, secretEnvName } from "../checklist/interpolate.js";
import { commandLine } from "../steps/command/command-line.js";
import { describeAction, type RollbackPlan } from "./rollback-plan.js";

/** Quotes a value for a POSIX shell. */
export function shellQuote(value: string): string {
	return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** A secret's value never goes into the script: it is read from ROLLOUT_SECRET_<NAME> when the script runs. */
const secretVariable = (name: string) => `"$${secretEnvName(name)}"`;

/** One shell word for a value that may hold `${secret:name}` references: literal parts quoted, secrets from the environment. */
function scriptWord(value: string): string {
	const parts: string[] = [];
	let last = 0;
	for (const match of value.matchAll(SECRET_REFERENCE)) {
		if (match.index > last) parts.push(shellQuote(value.slice(last, match.index)));
		parts.push(secretVariable(match[1] ?? ""));
		last = match.index + match[0].length;
	}
	if (last < value.length || parts.length === 0) parts.push(shellQuote(value.slice(last)));
	return parts.join("");
}

/** The names of the secrets a value refers to. */
function secretsIn(value: unknown): string[] {
	return [...JSON.stringify(value ?? null).matchAll(SECRET_REFERENCE)].map((match) => match[1] ?? "");
}

/**
 * The rollback plan as a plain POSIX script, for an operator without rollout at hand:
 * flags are reverted with `patch -R`, files restored only from a backup whose checksum
 * matches, then the rollback commands and their checks run. It stops at the first failure.
 */
export function renderRollbackScript(
	plan: RollbackPlan,
	sessionDir: string,
	sessionId: string,
	baseDir: string,
): string {
	const secrets = [
		...new Set(plan.actions.flatMap((action) => (action.kind === "step" ? secretsIn(action.step) : []))),
	];
	const lines = [
		"#!/bin/sh",
		`# Rollback plan for session ${sessionId}, written by rollout.`,
		"# Each action checks before it changes anything; running the script twice is safe.",
		...(secrets.length > 0
			? ["# Secrets are not written here: export each ROLLOUT_SECRET_<NAME> below before running it."]
			: []),
		"set -eu",
		`SESSION_DIR=${shellQuote(resolve(sessionDir))}`,
		...secrets.flatMap((name) => {
			const variable = secretEnvName(name);
			return [
				`: "\${${variable}:?set ${variable} to the secret ${name} before running this script}"`,
				`export ${variable}`,
			];
		}),
		"",
		"sha256_of() {",
		"  if command -v sha256sum >/dev/null 2>&1; then sha256sum \"$1\" | cut -d ' ' -f 1; else shasum -a 256 \"$1\" | cut -d ' ' -f 1; fi",
		"}",
		"",
		"restore() { # target (its real path at backup time), backup (in the session), sha256, mode",
		'  if [ "$(sha256_of "$SESSION_DIR/$2")" != "$3" ]; then echo "refusing: $SESSION_DIR/$2 does not match its checksum" >&2; exit 1; fi',
		'  if [ -L "$1" ]; then echo "refusing: $1 is a symbolic link now; it was a file when it was backed up" >&2; exit 1; fi',
		'  if [ -f "$1" ] && [ "$(sha256_of "$1")" = "$3" ]; then echo "already restored: $1"; return 0; fi',
		'  cp "$SESSION_DIR/$2" "$1.rollback.$$" && chmod "$4" "$1.rollback.$$" && mv "$1.rollback.$$" "$1"',
		'  echo "restored: $1"',
		"}",
		"",
		"revert() { # file; the diff the rollout applied comes on standard input",
		'  diff_file="$(mktemp)"; cat > "$diff_file"',
		'  if patch -R --dry-run -s -f "$1" < "$diff_file" >/dev/null 2>&1; then',
		'    patch -R -s -f "$1" < "$diff_file"; echo "reverted: $1"',
		'  elif patch --dry-run -s -f "$1" < "$diff_file" >/dev/null 2>&1; then',
		'    echo "already reverted: $1"',
		'  else rm -f "$diff_file"; echo "cannot revert $1: it changed since the rollout" >&2; exit 1; fi',
		'  rm -f "$diff_file"',
		"}",
		"",
	];
	const restored = new Set(
		plan.actions.flatMap((action) => (action.kind === "restore" ? [action.source] : [])),
	);
	plan.actions.forEach((action, index) => {
		lines.push(`echo ${shellQuote(`${index + 1}. ${describeAction(action)}`)}`);
		switch (action.kind) {
			case "restore":
				lines.push(
					`restore ${shellQuote(action.realPath ?? action.source)} ${shellQuote(action.backup)} ${action.sha256} ${(action.mode ?? 0o644).toString(8)}`,
				);
				break;
			case "revert-flag":
				// A byte-exact copy beats a patch (which a BOM or a later edit can defeat).
				if (restored.has(action.file))
					lines.push("echo '   the restore from its backup below puts this file back'");
				else if (action.diff)
					lines.push(
						`revert ${shellQuote(action.file)} <<'ROLLOUT_DIFF'`,
						action.diff.trimEnd(),
						"ROLLOUT_DIFF",
					);
				else lines.push(`echo 'no diff recorded: restore the file from its backup' >&2; exit 1`);
				break;
			case "step": {
				const step = action.step;
				if (step.kind !== "command") {
					lines.push(`echo ${shellQuote(`by hand: ${step.title}`)}`);
					break;
				}
				const env = Object.entries(step.env ?? {})
					.map(([key, value]) => `${key}=${scriptWord(String(value))} `)
					.join("");
				const cwd = shellQuote(resolve(baseDir, step.cwd ?? "."));
				// In a shell string a secret stands where a word goes: the inner shell reads it from its environment.
				const run =
					typeof step.run === "string"
						? `sh -c ${shellQuote(step.run.replace(SECRET_REFERENCE, (_match, name: string) => secretVariable(name)))}`
						: step.run.some((arg) => secretsIn(arg).length > 0)
							? step.run.map(scriptWord).join(" ")
							: commandLine(step.run);
				lines.push(`(cd ${cwd} && ${env}${run})`);
				break;
			}
		}
		lines.push("");
	});
	lines.push(`echo ${shellQuote(`rolled back: ${sessionId}`)}`, "");
	return lines.join("\n");
}
