import pc from "picocolors";

/** A failure meant for the operator: printed as one line, never as a stack trace. */
export class CliError extends Error {
	constructor(
		message: string,
		readonly exitCode = 1,
	) {
		super(message);
	}
}

/** Exit codes shared by every command. */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

/** True when NO_COLOR is set (`--no-color` and `config set color off` set it too). */
export function noColor(): boolean {
	return process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== "";
}

/** Colours for a stream: off with NO_COLOR, or when the stream is not a terminal and FORCE_COLOR is not set. */
export function colorsFor(stream: NodeJS.WriteStream): ReturnType<typeof pc.createColors> {
	const forced = process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== "0";
	const enabled = !noColor() && (forced || stream.isTTY === true);
	return pc.createColors(enabled);
}
