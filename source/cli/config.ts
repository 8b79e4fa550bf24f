import Conf from "conf";
import { configDir, parseSetting, SETTING_KEYS, type SettingKey, type Settings } from "./config-store.js";
import { EXIT, OperatorError } from "./output.js";

/** The config file, kept by conf (validated, written atomically); only `rollout config` loads it. */
function openConfig(): Conf<Settings> {
	return new Conf<Settings>({
		projectName: "rollout",
		projectSuffix: "",
		cwd: configDir(),
		schema: {
			operator: { type: "string", minLength: 1 },
			sessionsDir: { type: "string", minLength: 1 },
			color: { type: "boolean" },
			flow: { type: "string", enum: ["auto", "step"] },
		},
	});
}

/** `rollout config get [key]`: one `key=value` line per setting, or the bare value of one. */
export function configGet(key: string | undefined): number {
	const config = openConfig();
	if (key === undefined) {
		for (const name of SETTING_KEYS) {
			const value = config.get(name);
			process.stdout.write(`${name}=${value === undefined ? "" : String(value)}\n`);
		}
		return EXIT.ok;
	}
	if (!SETTING_KEYS.includes(key as SettingKey)) {
		throw new OperatorError(`unknown setting "${key}": use one of ${SETTING_KEYS.join(", ")}`, EXIT.usage);
	}
	const value = config.get(key as SettingKey);
	if (value === undefined) return EXIT.failed;
	process.stdout.write(`${String(value)}\n`);
	return EXIT.ok;
}

export function configSet(key: string, value: string): number {
	const setting = parseSetting(key, value);
	openConfig().set(setting.key, setting.value);
	process.stdout.write(`${setting.key}=${String(setting.value)}\n`);
	return EXIT.ok;
}

export function configUnset(key: string): number {
	if (!SETTING_KEYS.includes(key as SettingKey)) {
		throw new OperatorError(`unknown setting "${key}": use one of ${SETTING_KEYS.join(", ")}`, EXIT.usage);
	}
	openConfig().delete(key as SettingKey);
	return EXIT.ok;
}

export function configPath(): number {
	process.stdout.write(`${openConfig().path}\n`);
	return EXIT.ok;
}
