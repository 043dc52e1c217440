// The policy rows (numademo-style) as bars: read and triad MB/s per row, with rows whose
// placement check failed in another colour and flagged by name.
import type { TopLevelSpec } from "vega-lite";
import type { BenchReport, PolicyRow } from "../report_schema.ts";
import { type Chart, COLORS } from "./_vega.ts";

/**
 * A row's axis label: its name, then " !" when its placement check failed, so the flag does
 * not rely on colour alone.
 * @example Basic usage
 * ```ts
 * expect(policyLabel({ name: "bind:1", placement: { ok: false } } as PolicyRow)).toBe("bind:1 !");
 * ```
 */
export function policyLabel(row: PolicyRow): string {
  return row.placement.ok ? row.name : `${row.name} !`;
}

const SERIES = ["read", "triad", "read, placement failed", "triad, placement failed"];

/**
 * The vega-lite spec of the policy bars: one bar per row and kernel (median MB/s), a black
 * rule over each for its p25–p75 spread. Skipped rows have no bars; the page lists them.
 * @example Basic usage
 * ```ts
 * const spec = policySpec(report) as { data: { values: unknown[] } };
 * expect(spec.data.values.length).toBe(2 * report.policies.rows.filter((r) => !r.skipped).length);
 * ```
 */
export function policySpec(report: BenchReport): TopLevelSpec {
  const rows = report.policies.rows.filter((r) => r.skipped === undefined);
  const values = rows.flatMap((r) => (["read", "triad"] as const).map((k) => ({
    row: policyLabel(r), kernel: k, median: r[k].median, p25: r[k].p25, p75: r[k].p75,
    series: r.placement.ok ? k : `${k}, placement failed`,
  })));
  const y = { field: "row", type: "nominal", sort: null, title: null } as const;
  return {
    title: { text: "Policies: read and triad, MB/s", subtitle: ["median bar, p25–p75 rule", "red and ! = placement check failed; skipped rows have no bars"] },
    description: "Bars of read and triad bandwidth in MB/s per memory policy row",
    data: { values },
    width: 460, height: { step: 14 },
    encoding: { y, yOffset: { field: "kernel", type: "nominal", sort: ["read", "triad"] } },
    layer: [
      {
        name: "bars", mark: { type: "bar" },
        encoding: {
          x: { field: "median", type: "quantitative", title: "MB/s (median)" },
          color: { field: "series", type: "nominal", title: null, scale: { domain: SERIES, range: [COLORS.ok, COLORS.okLight, COLORS.failed, COLORS.failedLight] }, legend: { orient: "bottom", columns: 2, labelLimit: 220 } },
        },
      },
      { name: "spread", mark: { type: "rule", color: "black" }, encoding: { x: { field: "p25", type: "quantitative" }, x2: { field: "p75" } } },
    ],
  } as TopLevelSpec;
}

/**
 * The policy chart, or none when every row was skipped.
 * @example Basic usage
 * ```ts
 * expect(policyCharts(report).map((c) => c.id)).toEqual(["policies"]);
 * ```
 */
export function policyCharts(report: BenchReport): Chart[] {
  if (!report.policies.rows.some((r) => r.skipped === undefined)) return [];
  return [{ id: "policies", title: "Policies: read and triad MB/s per row", spec: policySpec(report) }];
}
