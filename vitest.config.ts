import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/setup/global.ts"],
    // Kernel tests change this process's mappings; files run in separate forks.
    pool: "forks",
    testTimeout: 60_000,
    reporters: ["default"],
  },
});
