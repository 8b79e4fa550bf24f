import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import envPaths from "env-paths";
import { writeFileAtomicSync } from "../session/atomic.js";
import { EXIT, OperatorError } from "./output.js";

/** What `rollout config` keeps. */
export interface Settings {
	operator?: string;
	sessionsDir?: string;
	color?: boolean;
	/** How the wizard walks: passing automated steps on their own (auto), or one at a time (step). */
	flow?: "auto" | "step";
}

export const SETTING_KEYS = ["operator", "sessionsDir", "color", "flow"] as const;
export type SettingKey = (typeof SETTING_KEYS)[number];

/** The folder of the config file (conf's, for project "rollout"); ROLLOUT_CONFIG_DIR moves it. */
export function configDir(): string {
	return process.env.ROLLOUT_CONFIG_DIR || envPaths("rollout", { suffix: "" }).config;
}

/**
 * Reads the settings without loading conf: conf's atomic writer hooks SIGINT and re-raises
 * it, which would cut short the engine's own handling of Ctrl+C in every command that runs
 * steps. `rollout config set` writes through conf; it runs no steps.
 */
export function readConfig(): Settings {
	let data: Record<string, unknown>;
	try {
		data = JSON.parse(readFileSync(join(configDir(), "config.json"), "utf8"));
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
		throw new OperatorError(
			`${join(configDir(), "config.json")} is not readable JSON: fix or remove it`,
			EXIT.failed,
		);
	}
	const text = (value: unknown) => (typeof value === "string" && value !== "" ? value : undefined);
	return {
		operator: text(data.operator),
		sessionsDir: text(data.sessionsDir),
		color: typeof data.color === "boolean" ? data.color : undefined,
		flow: data.flow === "step" || data.flow === "auto" ? data.flow : undefined,
	};
}

/**
 * Saves one setting into the same file, for the wizard remembering the operator's name:
 * written atomically here rather than through conf, for the same reason reading is.
 */
export function saveSetting(key: SettingKey, value: string | boolean): void {
	const file = join(configDir(), "config.json");
	let data: Record<string, unknown> = {};
	try {
		data = JSON.parse(readFileSync(file, "utf8"));
	} catch {
		data = {};
	}
	mkdirSync(configDir(), { recursive: true });
	writeFileAtomicSync(file, `${JSON.stringify({ ...data, [key]: value }, undefined, "\t")}\n`);
}

/** Parses a value typed on the command line for a key. */
export function parseSetting(key: string, value: string): { key: SettingKey; value: string | boolean } {
	if (!SETTING_KEYS.includes(key as SettingKey)) {
		throw new OperatorError(`unknown setting "${key}": use one of ${SETTING_KEYS.join(", ")}`, EXIT.usage);
	}
	if (key === "flow") {
		if (value === "auto" || value === "step") return { key, value };
		throw new OperatorError(`flow is auto or step, not "${value}"`, EXIT.usage);
	}
	if (key !== "color") {
		if (value.trim() === "") throw new OperatorError(`${key} must not be empty`, EXIT.usage);
		return { key: key as SettingKey, value };
	}
	const lower = value.toLowerCase();
	if (["on", "true", "yes", "1"].includes(lower)) return { key: "color", value: true };
	if (["off", "false", "no", "0"].includes(lower)) return { key: "color", value: false };
	throw new OperatorError(`color is on or off, not "${value}"`, EXIT.usage);
}
