import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    globalSetup: ["test/setup/global.ts"],
    setupFiles: ["test/setup/system.ts"],
    // Kernel tests change this process's mappings; files run in separate forks.
    pool: "forks",
    testTimeout: 60_000,
    reporters: ["default"],
    projects: [
      // Everything, through the C batch shim (build/libnumabind.so). test/deno/ runs under Deno
      // (npm run test:deno).
      { extends: true, test: { name: "shim", include: ["test/**/*.test.ts"], exclude: ["test/deno/**", "**/node_modules/**"] } },
      // The kernel tests again on the fallback: one libc syscall() per op through ffi-rs.
      // Child processes inherit the variable, so they take the same path.
      { extends: true, test: { name: "fallback", include: ["test/kernel/**/*.test.ts"], env: { NUMABIND_NO_SHIM: "1" } } },
    ],
  },
});
