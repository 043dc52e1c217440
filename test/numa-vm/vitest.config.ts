import { join } from "node:path";
import { defineConfig } from "vitest/config";

// The guest suite: run by `npm run test:numa` inside a multi-node QEMU guest (run.mjs), one
// folder per guest shape. On a real multi-socket host it also runs directly, e.g.
// NUMA_VM_SHAPE='{"nodes":4}' npx vitest run --config test/numa-vm/vitest.config.ts test/numa-vm/suite/four_nodes
export default defineConfig({
  test: {
    root: join(import.meta.dirname, "..", ".."),
    include: ["test/numa-vm/suite/**/*.guest.ts"],
    globalSetup: ["test/numa-vm/suite/global_setup.ts"],
    // Kernel tests change this process's mappings; files run in separate forks.
    pool: "forks",
    // Software emulation is 10-50x slower than the host; a slow step is not a failure.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    reporters: ["default"],
  },
});
