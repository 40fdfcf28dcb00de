import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Dynamic providers are serialized by Pulumi; worker threads cannot carry
    // that work, separate processes can.
    pool: "forks",
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
