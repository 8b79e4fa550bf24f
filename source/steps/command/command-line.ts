/** The command line as an operator would type it. */
export function commandLine(run: string | readonly string[]): string {
	if (typeof run === "string") return run;
	return run
		.map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`))
		.join(" ");
}
