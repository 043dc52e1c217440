// Migration speed: move_pages(2) MB/s per chunk size, and migrate_pages(2) MB/s per move.
import type { TopLevelSpec } from "vega-lite";
import type { BenchReport } from "../report_schema.ts";
import { nodeRanges } from "./_format.ts";
import { type Chart, COLORS } from "./_vega.ts";

/** Bars with a p25–p75 rule over each; `along` is the category channel, "x" or "y". */
function barsWithSpread(along: "x" | "y", category: Record<string, unknown>, color: Record<string, unknown>, offset?: Record<string, unknown>) {
  const value = along === "x" ? "y" : "x";
  return {
    encoding: { [along]: category, ...(offset ? { [`${along}Offset`]: offset } : {}) },
    layer: [
      { name: "bars", mark: { type: "bar" }, encoding: { [value]: { field: "median", type: "quantitative", title: "MB/s (median)" }, color } },
      { name: "spread", mark: { type: "rule", color: "black" }, encoding: { [value]: { field: "p25", type: "quantitative" }, [`${value}2`]: { field: "p75" } } },
    ],
  };
}

/**
 * The vega-lite spec of move_pages speed: one bar group per chunk size (pages per call), one
 * bar per from→to pair, a p25–p75 rule on each.
 * @example Basic usage
 * ```ts
 * expect(JSON.stringify(movePagesSpec(report))).toContain("chunkPages");
 * ```
 */
export function movePagesSpec(report: BenchReport): TopLevelSpec {
  const values = report.migration.movePages.map((m) => ({
    chunkPages: m.chunkPages, pair: `${m.from}→${m.to}`, median: m.mbPerSec.median, p25: m.mbPerSec.p25, p75: m.mbPerSec.p75,
  }));
  return {
    title: { text: "move_pages, MB/s per chunk size", subtitle: "pages per move_pages call; median bar, p25–p75 rule" },
    description: "Bars of move_pages bandwidth in MB/s for each chunk size and node pair",
    data: { values },
    width: { step: 22 }, height: 220,
    ...barsWithSpread(
      "x",
      { field: "chunkPages", type: "ordinal", title: "pages per call", axis: { labelAngle: 0 } },
      { field: "pair", type: "nominal", title: "from→to", scale: { scheme: "tableau10" } },
      { field: "pair", type: "nominal" },
    ),
  } as TopLevelSpec;
}

/**
 * The vega-lite spec of migrate_pages speed: one horizontal bar per move (from nodes → to nodes, pages).
 * @example Basic usage
 * ```ts
 * expect(JSON.stringify(migratePagesSpec(report))).toContain("migrate_pages");
 * ```
 */
export function migratePagesSpec(report: BenchReport): TopLevelSpec {
  const values = report.migration.migratePages.map((m) => ({
    move: `${nodeRanges(m.from)}→${nodeRanges(m.to)} (${m.pages} pages)`, median: m.mbPerSec.median, p25: m.mbPerSec.p25, p75: m.mbPerSec.p75,
  }));
  return {
    title: { text: "migrate_pages, MB/s", subtitle: "median bar, p25–p75 rule" },
    description: "Bars of migrate_pages bandwidth in MB/s for each move",
    data: { values },
    width: 320, height: { step: 28 },
    ...barsWithSpread("y", { field: "move", type: "nominal", sort: null, title: null, axis: { labelLimit: 220 } }, { value: COLORS.ok }),
  } as TopLevelSpec;
}

/**
 * The migration charts that have data: none on a one-node machine.
 * @example Basic usage
 * ```ts
 * expect(migrationCharts(report).map((c) => c.id)).toEqual(["move-pages", "migrate-pages"]);
 * ```
 */
export function migrationCharts(report: BenchReport): Chart[] {
  const out: Chart[] = [];
  if (report.migration.movePages.length > 0) out.push({ id: "move-pages", title: "Migration: move_pages MB/s per chunk size", spec: movePagesSpec(report) });
  if (report.migration.migratePages.length > 0) out.push({ id: "migrate-pages", title: "Migration: migrate_pages MB/s", spec: migratePagesSpec(report) });
  return out;
}
