// runBench() on this host's kernel, for real: one quick run with small matrix arrays (the
// STREAM-sized default takes ~35 s of first touch and kernels here, measured outside the tests),
// then the report's shape and figures.
import { beforeAll, describe, expect, test } from "vitest";
import { BENCH_SCHEMA, runBench, type BenchReport, type Stat } from "../../host/bench/mod.ts";
import { topology } from "../../host/mod.ts";

const ARRAY_BYTES = 64 << 20;
const page = topology().pageSize;
let report: BenchReport;
const progress: [number, number, string][] = [];

beforeAll(async () => {
  report = await runBench({ quick: true, arrayBytes: ARRAY_BYTES, onProgress: (d, t, l) => progress.push([d, t, l]) });
}, 180_000);

const STAT_KEYS = ["best", "max", "median", "min", "n", "p25", "p75", "unit"];
/** A measured Stat: every field, all finite, at least one sample, min <= p25 <= median <= p75 <= max. */
function expectMeasured(s: Stat, unit: Stat["unit"]): void {
  expect(Object.keys(s).sort()).toEqual(STAT_KEYS);
  expect(s.unit).toBe(unit);
  expect(s.n).toBeGreaterThan(0);
  for (const k of ["best", "median", "min", "max", "p25", "p75"] as const) {
    expect(Number.isFinite(s[k]), `${k} = ${s[k]}`).toBe(true);
    expect(s[k]).toBeGreaterThan(0);
  }
  expect(s.min).toBeLessThanOrEqual(s.p25);
  expect(s.p25).toBeLessThanOrEqual(s.median);
  expect(s.median).toBeLessThanOrEqual(s.p75);
  expect(s.p75).toBeLessThanOrEqual(s.max);
  // Bandwidth: the best run is the fastest; times and ratios: the lowest.
  if (unit === "MB/s") expect(s.best).toBe(s.max);
  else expect(s.best).toBe(s.min);
}

describe("runBench()", () => {
  test("runBench() returns a report of schema numabind-bench/1 with every section", () => {
    expect(Object.keys(report).sort()).toEqual(["binding", "durationMs", "environment", "matrix", "migration", "policies", "quick", "schema", "startedAt"]);
    expect(report.schema).toBe(BENCH_SCHEMA);
    expect(report.quick).toBe(true);
    expect(new Date(report.startedAt).toISOString()).toBe(report.startedAt);
    expect(report.durationMs).toBeGreaterThan(0);
    // Through JSON unchanged: no NaN, Infinity, bigint or undefined anywhere.
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  test("runBench() describes the environment from the kernel and sysfs", () => {
    const env = report.environment;
    const t = topology();
    expect(env.kernel).toMatch(/^\d+\.\d+/);
    expect(env.cpuModel.length).toBeGreaterThan(0);
    expect(env.cpus).toBeGreaterThan(0);
    expect(env.nodes.map((n) => n.id)).toEqual(t.nodes.map((n) => n.id));
    for (const n of env.nodes) if (n.hasMemory) expect(n.memTotalBytes).toBeGreaterThan(0);
    expect(env.distances.length).toBe(env.nodes.length);
    env.distances.forEach((row, i) => { expect(row.length).toBe(env.nodes.length); expect(row[i]).toBe(10); });
    expect(env.caches.length).toBeGreaterThan(0);
    expect(env.llcBytes).toBe(Math.max(...env.caches.map((c) => c.sizeBytes)));
    expect(env.pageSize).toBe(page);
    expect(env.versions.numabind).toMatch(/^\d+\.\d+\.\d+/);
    expect(env.versions).toMatchObject({ node: process.versions.node, v8: process.versions.v8 });
    expect(["shim", "syscall"]).toContain(env.path);
    expect(env.backend).toMatch(/^ffi-rs/);
  });

  test("runBench() fills the matrix: every cell placed on its node, figures positive and finite", () => {
    const m = report.matrix;
    expect(m.arrayBytes).toBe(ARRAY_BYTES);
    expect(m.followsStreamRule).toBe(ARRAY_BYTES >= 4 * report.environment.llcBytes);
    expect(m.repeats).toBe(3);
    expect(m.cells.length).toBe(m.cpuNodes.length * m.memNodes.length);
    for (const cell of m.cells) {
      expect(cell.placement, JSON.stringify(cell.placement)).toMatchObject({ ok: true });
      expect(cell.placement.pages).toBe(3 * ARRAY_BYTES / page);
      expect(cell.placement.pagesPerNode).toEqual({ [cell.memNode]: cell.placement.pages });
      for (const k of ["read", "write", "triad"] as const) {
        expectMeasured(cell.c[k], "MB/s");
        expectMeasured(cell.js[k], "MB/s");
        expect(cell.c[k].n).toBe(m.repeats);
        // jsToC is js.best / c.best of the same run.
        expect(cell.jsToC[k]).toBe(cell.js[k].best / cell.c[k].best);
      }
      expectMeasured(cell.c.latency, "ns");
    }
  });

  test("runBench() runs every policy row it can, and each row lands where its policy says", () => {
    const p = report.policies;
    expect(p.arrayBytes).toBe(Math.min(ARRAY_BYTES, 256 << 20));
    const mem = report.matrix.memNodes;
    expect(p.rows.map((r) => r.name)).toEqual([
      "no policy", "local", ...mem.map((n) => `bind:${n}`), "interleave all", "weighted-interleave all",
      "preferred right", "preferred wrong", "preferred-many right", "preferred-many wrong",
    ]);
    expect(p.rows.find((r) => r.name === "no policy")!.policy).toBeNull();
    for (const row of p.rows) {
      if (row.skipped) {
        expect(row.read.n).toBe(0);
        continue;
      }
      expect(row.placement, `${row.name}: ${JSON.stringify(row.placement)}`).toMatchObject({ ok: true });
      expectMeasured(row.read, "MB/s");
      expectMeasured(row.triad, "MB/s");
      const pages = Object.values(row.placement.pagesPerNode).reduce((a, b) => a + b, 0);
      expect(pages).toBe(3 * p.arrayBytes / page);
      // The touch allocated every page: the kernel's counters grew by at least that much.
      const hits = Object.values(row.placement.numaHit).reduce((a, b) => a + b, 0);
      const misses = Object.values(row.placement.numaMiss).reduce((a, b) => a + b, 0);
      expect(hits + misses).toBeGreaterThanOrEqual(pages);
    }
    if (mem.length === 1) {
      for (const name of ["preferred wrong", "preferred-many wrong"]) expect(p.rows.find((r) => r.name === name)!.skipped).toBe("needs a second node");
    }
  });

  test("runBench() measures move_pages per chunk size and migrate_pages", () => {
    const mig = report.migration;
    const mem = report.matrix.memNodes;
    const directions = mem.length > 1 ? 2 : 1;
    expect(mig.movePages.map((r) => r.chunkPages)).toEqual([64, 512, 4096].flatMap((c) => Array(directions).fill(c)));
    for (const r of mig.movePages) {
      expect(r.pages).toBe(Math.min(ARRAY_BYTES, 64 << 20) / page);
      expectMeasured(r.mbPerSec, "MB/s");
    }
    expect(mig.migratePages.length).toBe(directions);
    for (const r of mig.migratePages) {
      expect(r.pages).toBeGreaterThan(0);
      expectMeasured(r.mbPerSec, "MB/s");
    }
    if (mem.length === 1) expect(mig.migratePages[0]).toMatchObject({ from: [mem[0]], to: [mem[0]] });
  });

  test("runBench() pairs bind() and bindBatch() with the C loop per round", () => {
    const b = report.binding;
    expectMeasured(b.bindToCLoop, "ratio");
    expectMeasured(b.bindBatchToCLoop, "ratio");
    expectMeasured(b.planUsPerRange, "us");
    expect(b.bindToCLoop.n).toBe(7);
    expect(b.batchSizes.map((s) => s.requests)).toEqual([100, 1000, 10000, 20000]);
    for (const s of b.batchSizes) { expectMeasured(s.bindBatchUs, "us"); expectMeasured(s.cLoopUs, "us"); }
    // More requests cost more, on both sides.
    const last = b.batchSizes.at(-1)!, first = b.batchSizes[0]!;
    expect(last.cLoopUs.median).toBeGreaterThan(first.cLoopUs.median);
    expect(last.bindBatchUs.median).toBeGreaterThan(first.bindBatchUs.median);
  });

  test("runBench() reports progress in order, ending with done = total", () => {
    expect(progress.length).toBeGreaterThan(10);
    const total = progress[0]![1];
    progress.forEach(([d, t], i) => { expect(t).toBe(total); if (i) expect(d).toBeGreaterThanOrEqual(progress[i - 1]![0]); });
    expect(progress.at(-1)).toEqual([total, total, "done"]);
    expect(progress.some(([, , l]) => l.startsWith("matrix cpu"))).toBe(true);
  });

  test("runBench() refuses bad options before measuring anything", async () => {
    await expect(runBench({ arrayBytes: 1000 })).rejects.toThrow(/arrayBytes must be a whole number of at least/);
    await expect(runBench({ repeats: 0 })).rejects.toThrow(/repeats must be an integer in 1\.\.1000/);
    await expect(runBench({ quik: true } as never)).rejects.toThrow(/unknown option "quik"/);
    await expect(runBench({ arrayBytes: 2 ** 50 })).rejects.toThrow(/pass a smaller arrayBytes/);
  });
});
