import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // Native modules (better-sqlite3, node-llama-cpp) are safest in forked processes.
    pool: "forks",
    testTimeout: 30_000,
    reporters: ["default", "./test/summary-reporter.ts"],
    hookTimeout: 60_000,
  },
});
