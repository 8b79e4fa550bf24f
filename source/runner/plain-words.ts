/**
 * A command line the shell would only split into words and run: no quotes, variables, globs,
 * redirections, pipes or lists, and a first word that names a program, not something the shell
 * answers itself. Such a line runs the same without a shell, one process sooner (GNU make runs
 * its plain recipe lines this way); anything else goes through `/bin/sh -c`.
 */
export function plainWords(line: string): string[] | undefined {
	const words = line.split(/[ \t]+/).filter((word) => word !== "");
	const [program] = words;
	if (program === undefined || !words.every((word) => PLAIN_WORD.test(word))) return undefined;
	// `NAME=value program` sets a variable for the program: the shell's work.
	if (program.includes("=") || SHELL_WORDS.has(program)) return undefined;
	return words;
}

/** Characters no POSIX shell gives a meaning to inside a word. */
const PLAIN_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * Reserved words and builtins of dash and bash (either may be /bin/sh): run by the shell itself,
 * some unlike the program of the same name (`echo -e`, `pwd`, `kill`), some meaningless alone.
 */
const SHELL_WORDS = new Set(
	[
		"! { } [[ ]] case coproc do done elif else esac fi for function if in select then time until while",
		". : [ alias bg bind break builtin caller cd chdir command compgen complete compopt continue declare",
		"dirs disown echo enable eval exec exit export false fc fg getopts hash help history jobs kill let",
		"local logout mapfile popd printf pushd pwd read readarray readonly return set shift shopt source",
		"suspend test times trap true type typeset ulimit umask unalias unset wait",
	]
		.join(" ")
		.split(" "),
);
