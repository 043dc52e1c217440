// The placement matrix as heatmaps: CPU node (where the thread ran) × memory node (where the
// arrays were bound), one chart per C figure.
import type { TopLevelSpec } from "vega-lite";
import type { BenchReport, MatrixCell, Stat } from "../report_schema.ts";
import { formatCompact, formatNumber } from "./_format.ts";
import { type Chart, COLORS } from "./_vega.ts";

/**
 * The C figures the heatmaps show, in page order, with what a darker cell means.
 * @example Basic usage
 * ```ts
 * expect(MATRIX_FIGURES.map((f) => f.key)).toEqual(["read", "write", "triad", "latency"]);
 * ```
 */
export const MATRIX_FIGURES = [
  { key: "read", title: "C read", unit: "MB/s", scheme: "blues" },
  { key: "write", title: "C write", unit: "MB/s", scheme: "blues" },
  { key: "triad", title: "C triad", unit: "MB/s", scheme: "blues" },
  { key: "latency", title: "C load latency", unit: "ns", scheme: "oranges" },
] as const satisfies readonly { key: keyof MatrixCell["c"]; title: string; unit: string; scheme: string }[];

/** Pixels per cell side: room for two label lines of five digits each. */
const CELL_PX = 78;
/** The fill of a cell whose figure could not be measured. */
const UNMEASURED = "#eeeeee";

/**
 * One heatmap row per cell: the median, its quartiles as a second label line, the check. A
 * figure that could not be measured (n = 0, e.g. no C kernels) has no colour and says so.
 */
function cellRows(cells: readonly MatrixCell[], pick: (c: MatrixCell) => Stat) {
  const medians = cells.filter((c) => pick(c).n > 0).map((c) => pick(c).median);
  const lo = Math.min(...medians), hi = Math.max(...medians);
  return cells.map((c) => {
    const s = pick(c), measured = s.n > 0;
    return {
      cpuNode: c.cpuNode, memNode: c.memNode, median: measured ? s.median : null,
      label: measured ? [formatNumber(s.median), `${formatCompact(s.p25)}–${formatCompact(s.p75)}`] : ["not", "measured"],
      // The label turns white on the darker half of the scale, to stay readable.
      dark: measured && hi > lo && (s.median - lo) / (hi - lo) > 0.55,
      failed: !c.placement.ok,
      note: `CPU node ${c.cpuNode}, memory node ${c.memNode}: placement check failed: ${c.placement.reason ?? "pages not where asked"}`,
    };
  });
}

/**
 * The vega-lite spec of one heatmap: the colour is the median, each cell prints the median over
 * its p25–p75 spread, and a failed placement check gets a red outline and a "!" (layer name
 * "placement_failed", so vega's SVG gives those marks the class "placement_failed_marks").
 * @example Basic usage
 * ```ts
 * const spec = matrixHeatmapSpec(report, "read");
 * expect(JSON.stringify(spec)).toContain("placement_failed");
 * ```
 */
export function matrixHeatmapSpec(report: BenchReport, key: keyof MatrixCell["c"]): TopLevelSpec {
  const fig = MATRIX_FIGURES.find((f) => f.key === key)!;
  const cells = report.matrix.cells;
  const n = cells[0]?.c[key].n ?? 0;
  const position = {
    x: { field: "memNode", type: "ordinal", title: "memory node", axis: { labelAngle: 0 } },
    y: { field: "cpuNode", type: "ordinal", title: "CPU node" },
  } as const;
  return {
    title: { text: `${fig.title}, ${fig.unit}`, subtitle: ["rows: the thread's CPU node; columns: the arrays' node", `median of ${n} runs, p25–p75 below it`, "red outline and ! = placement check failed"] },
    description: `Heatmap of ${fig.title} in ${fig.unit} for each CPU node and memory node`,
    data: { values: cellRows(cells, (c) => c.c[key]) },
    width: { step: CELL_PX }, height: { step: CELL_PX },
    encoding: position,
    layer: [
      // "show" keeps an unmeasured cell (median null) drawn, in grey, instead of dropping it.
      {
        name: "cells", mark: { type: "rect", invalid: "show" },
        encoding: { color: { condition: { test: "datum.median === null", value: UNMEASURED }, field: "median", type: "quantitative", title: fig.unit, scale: { scheme: fig.scheme, zero: false }, legend: { format: "~s" } } },
      },
      {
        name: "values", mark: { type: "text", fontSize: 11, lineHeight: 14 },
        encoding: { text: { field: "label" }, color: { condition: { test: "datum.dark", value: "white" }, value: "black" } },
      },
      {
        name: "placement_failed", transform: [{ filter: "datum.failed" }],
        mark: { type: "rect", fill: null, stroke: COLORS.failed, strokeWidth: 4 },
        encoding: { description: { field: "note" } },
      },
      {
        name: "placement_failed_flag", transform: [{ filter: "datum.failed" }],
        mark: { type: "text", text: "!", fontSize: 18, fontWeight: "bold", color: COLORS.failed, align: "right", baseline: "top", dx: CELL_PX / 2 - 6, dy: -CELL_PX / 2 + 4 },
        encoding: { description: { field: "note" } },
      },
    ],
  } as TopLevelSpec;
}

/**
 * The four heatmaps of the placement matrix (none when the matrix has no cells).
 * @example Basic usage
 * ```ts
 * expect(matrixCharts(report).map((c) => c.id)).toEqual(["matrix-read", "matrix-write", "matrix-triad", "matrix-latency"]);
 * ```
 */
export function matrixCharts(report: BenchReport): Chart[] {
  if (report.matrix.cells.length === 0) return [];
  return MATRIX_FIGURES.map((f) => ({ id: `matrix-${f.key}`, title: `Placement matrix: ${f.title} (${f.unit})`, spec: matrixHeatmapSpec(report, f.key) }));
}
