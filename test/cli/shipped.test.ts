import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, runCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/temp.js";

const shipped = readdirSync(join(ROOT, "checklists"))
	.filter((name) => name.endsWith(".yaml"))
	.map((name) => `checklists/${name}`);

describe("the shipped checklists", () => {
	it("all validate", () => {
		const result = runCli(["validate", ...shipped]);
		expect(result.stderr).toBe("");
		expect(result.code).toBe(0);
		expect(result.stdout.trim().split("\n")).toHaveLength(shipped.length);
	});

	it.each(shipped)("%s walks to its decision in a dry run, changing nothing", (file) => {
		const dir = tempDir();
		writeFileSync(join(dir, "answers.yaml"), "answers: {}\n");
		const result = runCli(
			[
				"run",
				file,
				"--answers",
				join(dir, "answers.yaml"),
				"--dry-run",
				"--sessions-dir",
				join(dir, "sessions"),
			],
			{
				env: { ROLLOUT_CONFIG_DIR: dir },
			},
		);
		expect(result.stderr).toBe("");
		expect(result.stdout.split("\n")[0]).toContain("(dry run: nothing is changed, no command runs)");
		expect(result.stdout).toMatch(/^decision: (GO|NO-GO|GO WITH CONDITIONS)$/m);
		expect([0, 1]).toContain(result.code);
	});
});
