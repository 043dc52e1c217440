// The comparison's charts: one bar per figure, diverging from 1.0 on a log axis, so ×2 and
// ×0.5 are the same length, coloured by whether b is better or worse than a.
import type { TopLevelSpec } from "vega-lite";
import type { FigureRatio } from "./compare_reports.ts";
import { COLORS } from "./_vega.ts";

/**
 * Within this fraction of 1.0 a ratio counts as "same": run-to-run noise of the medians on an
 * idle machine stays inside ±2% (the p25–p75 spreads of the fixtures and of quick runs).
 * @example Basic usage
 * ```ts
 * expect(SAME_WITHIN).toBe(0.02);
 * ```
 */
export const SAME_WITHIN = 0.02;

/**
 * Whether b is better, worse or the same as a for one figure, given which way is better.
 * @example Basic usage
 * ```ts
 * expect(verdict({ ratio: 1.5, higherIsBetter: false })).toBe("worse");
 * expect(verdict({ ratio: 1.01, higherIsBetter: true })).toBe("same");
 * ```
 */
export function verdict(f: Pick<FigureRatio, "ratio" | "higherIsBetter">): "better" | "worse" | "same" {
  if (f.ratio === null || Math.abs(f.ratio - 1) <= SAME_WITHIN) return "same";
  return (f.ratio > 1) === f.higherIsBetter ? "better" : "worse";
}

/**
 * The vega-lite spec of one section's ratios: a bar from 1.0 to b/a per figure, a rule over
 * the ratio's spread, on a log axis made symmetric around 1.
 * @example Basic usage
 * ```ts
 * const spec = ratioSpec("Binding", compareReports(a, b).figures.filter((f) => f.section === "binding"));
 * expect(JSON.stringify(spec)).toContain('"type":"log"');
 * ```
 */
export function ratioSpec(title: string, figures: readonly FigureRatio[]): TopLevelSpec {
  const values = figures.flatMap((f) => (f.ratio === null || f.ratio <= 0 ? [] : [{
    label: f.label, ratio: f.ratio, low: f.spread?.[0] ?? f.ratio, high: f.spread?.[1] ?? f.ratio, verdict: verdict(f),
    note: `${f.label}: b/a ×${f.ratio.toFixed(3)}, ${verdict(f)} (${f.unit}, ${f.higherIsBetter ? "higher" : "lower"} is better)`,
  }]));
  // A symmetric log domain puts 1.0 in the middle, so ×2 and ×0.5 look the same size; 5% more
  // keeps the longest bar off the edge.
  const reach = 1.05 * Math.max(1.05, ...values.flatMap((v) => [v.ratio, 1 / v.ratio, v.high, 1 / v.low]));
  const x = { type: "quantitative" as const, scale: { type: "log" as const, domain: [1 / reach, reach] }, title: "b / a (median, log)", axis: { format: "~g" } };
  const y = { field: "label", type: "nominal" as const, sort: null, title: null, axis: { labelLimit: 220 } };
  return {
    title: { text: `${title}: b / a`, subtitle: ["bar from 1.0 to the ratio of medians", `rule over [b.p25/a.p75, b.p75/a.p25]; ±${SAME_WITHIN * 100}% counts as same`] },
    description: `Diverging bars of the ratio b over a for each ${title} figure`,
    data: { values },
    width: 420, height: { step: 13 },
    layer: [
      {
        name: "ratios", mark: { type: "bar" },
        encoding: {
          y, x: { field: "ratio", ...x }, x2: { datum: 1 },
          color: { field: "verdict", type: "nominal", title: "b against a", scale: { domain: ["better", "same", "worse"], range: [COLORS.better, COLORS.same, COLORS.worse] }, legend: { orient: "bottom" } },
          description: { field: "note" },
        },
      },
      { name: "spread", mark: { type: "rule", color: "black" }, encoding: { y, x: { field: "low", ...x }, x2: { field: "high" } } },
      // Its own one-row data, so 1.0 is one rule across the chart, not one per figure.
      { name: "one", data: { values: [{}] }, mark: { type: "rule", color: "#333", strokeDash: [3, 2] }, encoding: { x: { datum: 1, ...x } } },
    ],
  } as TopLevelSpec;
}
