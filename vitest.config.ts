import { defineConfig } from "vitest/config";

export default defineConfig({
	test: {
		include: ["test/**/*.test.{ts,tsx}"],
		globalSetup: ["test/helpers/global-setup.ts"],
		setupFiles: ["test/helpers/setup.ts"],
		testTimeout: 30_000,
		hookTimeout: 60_000,
	},
});
