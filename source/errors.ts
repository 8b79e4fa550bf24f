/** Exit codes shared by every command. */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * A problem the operator can fix, or a refusal the operator must read: printed as one line
 * with its exit code, never as a stack trace. Anything else that is thrown is a bug.
 */
export class OperatorError extends Error {
	constructor(
		message: string,
		readonly exitCode: ExitCode = EXIT.usage,
	) {
		super(message);
	}
}
