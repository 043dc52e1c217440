import { join } from "node:path";
import { defineConfig } from "vitest/config";

// The guest suite: run by `npm run test:numa` inside a multi-node QEMU guest (run.mjs), one
// folder per guest shape. Its files end in .guest.ts so the main suite never picks them up.
export default defineConfig({
  test: {
    root: join(import.meta.dirname, "..", ".."),
    include: ["test/numa-vm/suite/**/*.guest.ts"],
    globalSetup: ["test/numa-vm/suite/global_setup.ts"],
    setupFiles: ["test/setup/system.ts"],
    // One worker process runs every file in turn: under software emulation each process start
    // and module load costs seconds (measured: 25 s against 37 s for the 4-node suite). Files
    // may share that process, so a test that changes the task policy (set_mempolicy) must
    // restore it, and placement checks use fresh guarded regions (placement.ts).
    pool: "forks",
    isolate: false,
    maxWorkers: 1,
    // Software emulation is 10-50x slower than the host; a slow step is not a failure.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    reporters: ["default"],
  },
});
