import * as z from "zod";
import { parseDuration } from "./duration.js";

const durationError = (input: unknown) =>
	`bad duration ${JSON.stringify(input)}: use milliseconds or a value such as 500ms, 30s, 15m, 2h, 1d`;

/** Milliseconds as a number, or a string such as 30s, 15m, 2h, 1d, 1h30m; normalised to milliseconds. */
export const duration = z
	.union(
		[
			z
				.number()
				.int({ error: (issue) => durationError(issue.input) })
				.nonnegative({ error: (issue) => durationError(issue.input) }),
			z.string().refine((value) => parseDuration(value) !== undefined, {
				error: (issue) => durationError(issue.input),
			}),
		],
		{ error: (issue) => durationError(issue.input) },
	)
	.transform((value) => (typeof value === "number" ? value : (parseDuration(value) ?? 0)))
	.meta({
		description: "Milliseconds, or a duration such as 500ms, 30s, 15m, 2h, 1d, 1h30m.",
	});
