import { defineConfig } from "vitest/config";

// The engine suite (npm run test:engine): the real Pulumi CLI against the
// loopback Azure DevOps server. Each file runs its scenarios in order in one
// process; files run one at a time because each CLI run uses both cores.
export default defineConfig({
  test: {
    pool: "forks",
    include: ["test/engine/**/*.test.ts"],
    globalSetup: ["test/engine/global-setup.ts"],
    fileParallelism: false,
    // A cold engine build happens in global setup, before any timeout runs;
    // each scenario runs several CLI commands of a few seconds each.
    testTimeout: 600_000,
    hookTimeout: 600_000,
    reporters: process.env.CI ? ["default", ["json", { outputFile: ".ci/out/vitest-engine.json" }]] : ["default"],
  },
});
