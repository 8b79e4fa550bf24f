import { openConfig, parseSetting, SETTING_KEYS, type SettingKey } from "./config-store.js";
import { CliError, EXIT } from "./output.js";

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
		throw new CliError(`unknown setting "${key}": use one of ${SETTING_KEYS.join(", ")}`, EXIT.usage);
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
		throw new CliError(`unknown setting "${key}": use one of ${SETTING_KEYS.join(", ")}`, EXIT.usage);
	}
	openConfig().delete(key as SettingKey);
	return EXIT.ok;
}

export function configPath(): number {
	process.stdout.write(`${openConfig().path}\n`);
	return EXIT.ok;
}
