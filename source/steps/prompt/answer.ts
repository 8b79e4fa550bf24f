/** Why a prompt's answer cannot be taken as given, or undefined: a fail or a skip says why in its notes. */
export function notesProblem(
	result: "pass" | "fail" | "skip",
	notes: string | undefined,
): string | undefined {
	if (result === "pass" || notes?.trim()) return undefined;
	return `${result === "fail" ? "a failed" : "a skipped"} prompt needs notes saying why`;
}
