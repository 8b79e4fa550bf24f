import Conf from "conf";
import { CliError, EXIT } from "./output.js";

/** What `rollout config` keeps. */
export interface Settings {
	operator?: string;
	sessionsDir?: string;
	color?: boolean;
}

export const SETTING_KEYS = ["operator", "sessionsDir", "color"] as const;
export type SettingKey = (typeof SETTING_KEYS)[number];

/** The config file, kept by conf; ROLLOUT_CONFIG_DIR moves it (tests, shared machines). */
export function openConfig(): Conf<Settings> {
	return new Conf<Settings>({
		projectName: "rollout",
		projectSuffix: "",
		...(process.env.ROLLOUT_CONFIG_DIR ? { cwd: process.env.ROLLOUT_CONFIG_DIR } : {}),
		schema: {
			operator: { type: "string", minLength: 1 },
			sessionsDir: { type: "string", minLength: 1 },
			color: { type: "boolean" },
		},
	});
}

export function readConfig(): Settings {
	return openConfig().store;
}

/** Parses a value typed on the command line for a key. */
export function parseSetting(key: string, value: string): { key: SettingKey; value: string | boolean } {
	if (!SETTING_KEYS.includes(key as SettingKey)) {
		throw new CliError(`unknown setting "${key}": use one of ${SETTING_KEYS.join(", ")}`, EXIT.usage);
	}
	if (key !== "color") {
		if (value.trim() === "") throw new CliError(`${key} must not be empty`, EXIT.usage);
		return { key: key as SettingKey, value };
	}
	const lower = value.toLowerCase();
	if (["on", "true", "yes", "1"].includes(lower)) return { key: "color", value: true };
	if (["off", "false", "no", "0"].includes(lower)) return { key: "color", value: false };
	throw new CliError(`color is on or off, not "${value}"`, EXIT.usage);
}
