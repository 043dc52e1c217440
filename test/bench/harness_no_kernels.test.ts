// runBench() where the C kernels cannot be opened (as on a host without a C compiler): the JS
// figures are measured, the C ones are empty (n: 0), and a warning says why, instead of a crash.
import { beforeAll, describe, expect, test } from "vitest";
import { runBench, type BenchReport } from "../../host/bench/mod.ts";
import { openKernels } from "../../host/bench/kernels.ts";

let report: BenchReport;
const warnings: string[] = [];

beforeAll(async () => {
  // This file runs in its own fork (pool: "forks"), so the kernels are closed here only.
  process.env.NUMABIND_NO_BENCH_KERNELS = "1";
  process.on("warning", (w) => warnings.push(w.message));
  report = await runBench({ quick: true, arrayBytes: 16 << 20, repeats: 2 });
}, 180_000);

describe("runBench() without the C kernels", () => {
  test("openKernels() says why they are closed, with the fix", () => {
    const k = openKernels();
    expect(k.ok).toBe(false);
    if (!k.ok) expect(k.reason).toMatch(/NUMABIND_NO_BENCH_KERNELS=1 is set; unset it/);
    expect(warnings.some((w) => w.includes("the C kernels are unavailable, so C figures are empty"))).toBe(true);
  });

  test("runBench() still measures the JS kernels and placement, with empty C figures", () => {
    for (const cell of report.matrix.cells) {
      expect(cell.placement.ok).toBe(true);
      for (const k of ["read", "write", "triad"] as const) {
        expect(cell.c[k]).toMatchObject({ n: 0, best: 0 });
        expect(cell.js[k].n).toBe(2);
        expect(cell.js[k].best).toBeGreaterThan(0);
        expect(cell.jsToC[k]).toBe(0);
      }
      expect(cell.c.latency.n).toBe(0);
    }
    for (const row of report.policies.rows.filter((r) => !r.skipped)) {
      expect(row.placement.ok, row.name).toBe(true);
      expect(row.read.best).toBeGreaterThan(0);
    }
  });

  test("runBench() still times bindBatch(), with the C-loop figures and ratios empty", () => {
    const b = report.binding;
    expect(b.bindToCLoop.n).toBe(0);
    expect(b.bindBatchToCLoop.n).toBe(0);
    expect(b.planUsPerRange.n).toBe(7);
    for (const s of b.batchSizes) { expect(s.cLoopUs.n).toBe(0); expect(s.bindBatchUs.best).toBeGreaterThan(0); }
    expect(report.migration.movePages.every((r) => r.mbPerSec.best > 0)).toBe(true);
  });
});
