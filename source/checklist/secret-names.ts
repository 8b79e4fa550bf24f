/** Parts of a name that say its value is a secret wherever they appear in it. */
const SECRET_PARTS = /TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|CREDENTIAL|WEBHOOK|PRIVATE|APIKEY/i;
/** Short words that say so only as a whole word of the name (KEY in API_KEY, not in MONKEY). */
const SECRET_WORDS = new Set(["KEY", "AUTH", "DSN", "COOKIE"]);
/** Words that say so only at the end (DB_PASS, but not PASS_RATE). */
const SECRET_LAST_WORDS = new Set(["PASS", "PWD"]);
/** Well-known names that match but hold no secret: the shell's working directories, the agent socket. */
const NOT_SECRET = new Set(["PWD", "OLDPWD", "SSH_AUTH_SOCK"]);

/**
 * True for a variable name that looks like it holds a secret: API_TOKEN, DB_PASS,
 * SLACK_WEBHOOK_URL, SENTRY_DSN, PRIVATE_KEY, client_secret, apiKey…
 */
export function isSecretName(name: string): boolean {
	if (NOT_SECRET.has(name.toUpperCase())) return false;
	if (SECRET_PARTS.test(name)) return true;
	const words = name
		.replace(/([a-z0-9])([A-Z])/g, "$1_$2")
		.toUpperCase()
		.split(/[^A-Z0-9]+/)
		.filter(Boolean);
	const last = words.at(-1);
	return words.some((word) => SECRET_WORDS.has(word)) || (last !== undefined && SECRET_LAST_WORDS.has(last));
}
