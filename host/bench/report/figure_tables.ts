// The measured figures as tables, each with its spread: the matrix (C and JS), the policy
// rows, migration and the binding ratios. The charts show medians; these give the rest.
import type { BenchReport, Stat } from "../report_schema.ts";
import { formatNumber, nodeRanges, pagesText, spreadText } from "./_format.ts";
import { type Cell, htmlTable } from "./html_page.ts";

const check = (ok: boolean, reason?: string): Cell => (ok ? { text: "ok", cls: "ok" } : { text: `failed${reason ? `: ${reason}` : ""}`, cls: "failed" });
const spread = (s: Stat): string => `${spreadText(s)} ${s.unit}`;

/**
 * The matrix in C: each cell's check and its figures as median [p25–p75], and best.
 * @example Basic usage
 * ```ts
 * expect(matrixTable(report)).toContain("median [p25–p75]");
 * ```
 */
export function matrixTable(report: BenchReport): string {
  return htmlTable(["CPU node", "memory node", "placement", "pages per node", "read", "write", "triad", "latency", "best read / write / triad / latency"],
    report.matrix.cells.map((c) => [
      String(c.cpuNode), String(c.memNode), check(c.placement.ok, c.placement.reason), pagesText(c.placement.pagesPerNode),
      spread(c.c.read), spread(c.c.write), spread(c.c.triad), spread(c.c.latency),
      [c.c.read, c.c.write, c.c.triad, c.c.latency].map((s) => formatNumber(s.best)).join(" / "),
    ]), "Placement matrix, C kernels: median [p25–p75]");
}

/**
 * The same kernels in JS against C, per cell: the JS figures with their spread and the
 * js.best / c.best ratios.
 * @example Basic usage
 * ```ts
 * expect(jsToCTable(report)).toContain("JS/C triad");
 * ```
 */
export function jsToCTable(report: BenchReport): string {
  return htmlTable(["CPU node", "memory node", "JS read", "JS write", "JS triad", "JS/C read", "JS/C write", "JS/C triad"],
    report.matrix.cells.map((c) => [
      String(c.cpuNode), String(c.memNode), spread(c.js.read), spread(c.js.write), spread(c.js.triad),
      formatNumber(c.jsToC.read), formatNumber(c.jsToC.write), formatNumber(c.jsToC.triad),
    ]), "JS against C (ratios of best figures, same run): median [p25–p75]");
}

/**
 * The policy rows: the policy, where pages were expected and found, and the figures.
 * @example Basic usage
 * ```ts
 * expect(policyTable(report)).toContain("skipped");
 * ```
 */
export function policyTable(report: BenchReport): string {
  return htmlTable(["row", "policy", "CPU node", "expected", "placement", "pages per node", "NUMA hit / miss", "read", "triad"],
    report.policies.rows.map((r): Cell[] => {
      const policy = r.policy ? `${r.policy.mode}${r.policy.nodes ? ` ${nodeRanges(r.policy.nodes)}` : ""}` : "none";
      const expected = `${nodeRanges(r.expect.nodes)}${r.expect.spread ? ", spread over all" : ""}`;
      if (r.skipped !== undefined) return [r.name, policy, String(r.cpuNode), expected, { text: `skipped: ${r.skipped}`, cls: "skipped" }, "", "", "", ""];
      return [r.name, policy, String(r.cpuNode), expected, check(r.placement.ok, r.placement.reason), pagesText(r.placement.pagesPerNode),
        `${pagesText(r.placement.numaHit)} / ${pagesText(r.placement.numaMiss)}`, spread(r.read), spread(r.triad)];
    }), "Policy rows: median [p25–p75]");
}

/**
 * Migration speeds with their spread; an empty string when nothing was migrated.
 * @example Basic usage
 * ```ts
 * expect(migrationTable(report)).toContain("move_pages");
 * ```
 */
export function migrationTable(report: BenchReport): string {
  const m = report.migration;
  if (m.movePages.length + m.migratePages.length === 0) return "";
  return htmlTable(["call", "from → to", "pages", "pages per call", "MB/s"], [
    ...m.movePages.map((x) => ["move_pages", `${x.from} → ${x.to}`, String(x.pages), String(x.chunkPages), spread(x.mbPerSec)]),
    ...m.migratePages.map((x) => ["migrate_pages", `${nodeRanges(x.from)} → ${nodeRanges(x.to)}`, String(x.pages), "", spread(x.mbPerSec)]),
  ], "Migration: median [p25–p75]");
}

/**
 * The binding suite: ratios against a C loop of the same mbind calls (1 = as fast as C), the
 * planner's cost, and the batch sizes.
 * @example Basic usage
 * ```ts
 * expect(bindingTables(report)).toContain("bindBatch / C loop");
 * ```
 */
export function bindingTables(report: BenchReport): string {
  const b = report.binding;
  const ratios = htmlTable(["figure", "median [p25–p75]", "min–max", "samples"], [
    ["bind() / C loop, per call", spread(b.bindToCLoop), `${formatNumber(b.bindToCLoop.min)}–${formatNumber(b.bindToCLoop.max)}`, String(b.bindToCLoop.n)],
    ["bindBatch / C loop", spread(b.bindBatchToCLoop), `${formatNumber(b.bindBatchToCLoop.min)}–${formatNumber(b.bindBatchToCLoop.max)}`, String(b.bindBatchToCLoop.n)],
    ["plan, per range", spread(b.planUsPerRange), `${formatNumber(b.planUsPerRange.min)}–${formatNumber(b.planUsPerRange.max)}`, String(b.planUsPerRange.n)],
  ], "Binding ratios (lower is better; 1 = the C loop)");
  const sizes = b.batchSizes.length === 0 ? "" : htmlTable(["requests", "bindBatch", "C loop", "bindBatch / C loop (medians)"],
    b.batchSizes.map((s) => [String(s.requests), spread(s.bindBatchUs), spread(s.cLoopUs), formatNumber(s.bindBatchUs.median / s.cLoopUs.median)]),
    "Cost against batch size: median [p25–p75]");
  return ratios + sizes;
}
