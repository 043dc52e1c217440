// `numabind bench --quick` on four nodes: a 4x4 placement matrix and numademo's rows, every
// placement check passing. Under emulation the figures mean nothing; the shape and the checks
// do. Arrays are 16 MiB (each node has 512 MiB), so the report says STREAM's rule is not met.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";

const CLI = join(import.meta.dirname, "..", "..", "..", "..", "dist", "cli", "main.js");

test("numabind bench --quick gives a 4x4 matrix and policy rows whose placement checks all pass", { timeout: 400_000 }, () => {
  const out = mkdtempSync(join(tmpdir(), "bench-"));
  const r = spawnSync(process.execPath, [CLI, "bench", "--quick", "--array-mib", "16", "-o", out], { encoding: "utf8", timeout: 390_000 });
  expect(r.stderr).toBe("");
  expect(r.status, r.stdout.slice(-2000)).toBe(0);
  const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8")) as {
    matrix: { cpuNodes: number[]; memNodes: number[]; followsStreamRule: boolean; cells: { cpuNode: number; memNode: number; placement: { ok: boolean; pagesPerNode: Record<string, number> } }[] };
    policies: { rows: { name: string; skipped?: string; placement: { ok: boolean; pagesPerNode: Record<string, number> } }[] };
    migration: { movePages: { from: number; to: number }[] };
  };
  const m = report.matrix;
  expect([m.cpuNodes, m.memNodes]).toEqual([[0, 1, 2, 3], [0, 1, 2, 3]]);
  expect(m.cells.map((c) => `${c.cpuNode}x${c.memNode}`)).toEqual([0, 1, 2, 3].flatMap((i) => [0, 1, 2, 3].map((j) => `${i}x${j}`)));
  expect(m.followsStreamRule).toBe(false);
  for (const c of m.cells) {
    expect(c.placement.ok, `${c.cpuNode}x${c.memNode}`).toBe(true);
    expect(Object.keys(c.placement.pagesPerNode).filter((n) => c.placement.pagesPerNode[n]! > 0)).toEqual([String(c.memNode)]);
  }
  // Linux 6.12: every row runs, weighted interleave and the wrong-node rows included.
  expect(report.policies.rows.filter((x) => x.skipped)).toEqual([]);
  for (const row of report.policies.rows) expect(row.placement.ok, row.name).toBe(true);
  const spread = report.policies.rows.find((x) => x.name === "interleave all")!.placement.pagesPerNode;
  expect(Object.values(spread).filter((p) => p > 0)).toHaveLength(4);
  expect(report.migration.movePages.some((x) => x.from !== x.to)).toBe(true);
  expect(readFileSync(join(out, "report.html"), "utf8").match(/<svg/g)!.length).toBeGreaterThanOrEqual(8);
});
