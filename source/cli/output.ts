import pc from "picocolors";

export { EXIT, OperatorError } from "../errors.js";

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
