// What a batch costs against its size: bindBatch and the C loop of the same mbind calls,
// both in µs, on log–log axes because the sizes grow geometrically.
import type { TopLevelSpec } from "vega-lite";
import type { BenchReport } from "../report_schema.ts";
import { type Chart, COLORS } from "./_vega.ts";

/**
 * The vega-lite spec of cost against batch size: a line with points per series (median µs),
 * a p25–p75 rule at each point; both axes on log scales.
 * @example Basic usage
 * ```ts
 * expect(JSON.stringify(batchSpec(report))).toContain('"type":"log"');
 * ```
 */
export function batchSpec(report: BenchReport): TopLevelSpec {
  const values = report.binding.batchSizes.flatMap((b) => [
    { requests: b.requests, series: "bindBatch", median: b.bindBatchUs.median, p25: b.bindBatchUs.p25, p75: b.bindBatchUs.p75 },
    { requests: b.requests, series: "C loop", median: b.cLoopUs.median, p25: b.cLoopUs.p25, p75: b.cLoopUs.p75 },
  ]);
  const x = { field: "requests", type: "quantitative", scale: { type: "log", nice: false, padding: 8 }, title: "requests per batch (log)" } as const;
  const color = { field: "series", type: "nominal", title: null, scale: { domain: ["bindBatch", "C loop"], range: [COLORS.ok, "#f58518"] } } as const;
  return {
    title: { text: "Cost against batch size, µs", subtitle: "median per batch, p25–p75 rule; log–log" },
    description: "Lines of bindBatch and C loop time in microseconds against the number of requests per batch",
    data: { values },
    width: 420, height: 260,
    encoding: { x, color },
    layer: [
      { name: "lines", mark: { type: "line", point: true }, encoding: { y: { field: "median", type: "quantitative", scale: { type: "log" }, title: "µs per batch (median, log)" } } },
      { name: "spread", mark: { type: "rule" }, encoding: { y: { field: "p25", type: "quantitative" }, y2: { field: "p75" } } },
    ],
  } as TopLevelSpec;
}

/**
 * The batch-size chart, or none when the run measured no batch sizes.
 * @example Basic usage
 * ```ts
 * expect(batchCharts(report).map((c) => c.id)).toEqual(["batch-sizes"]);
 * ```
 */
export function batchCharts(report: BenchReport): Chart[] {
  if (report.binding.batchSizes.length === 0) return [];
  return [{ id: "batch-sizes", title: "Binding: cost against batch size", spec: batchSpec(report) }];
}
