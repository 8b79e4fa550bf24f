import { execFileSync } from "node:child_process";

/** CLI tests run the built bin, exactly as an operator would: build it once before any test. */
export default function setup(): void {
	execFileSync(process.execPath, ["scripts/build.js"], { stdio: "inherit" });
}
