import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Dynamic providers are serialized by Pulumi; worker threads cannot carry
    // that work, separate processes can.
    pool: "forks",
    include: ["test/**/*.test.ts"],
    // The engine suite has its own config (vitest.engine.config.mts, npm run test:engine).
    exclude: ["test/engine/**", "node_modules/**"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // In CI a JSON report is written too, so .ci/run can count results.
    reporters: process.env.CI ? ["default", ["json", { outputFile: ".ci/out/vitest.json" }]] : ["default"],
  },
});
