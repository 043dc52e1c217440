// The chart specs: each compiles with vega-lite without a warning, carries a title and a
// description, and uses the scales the figures call for.
import { compile, type TopLevelSpec } from "vega-lite";
import { describe, expect, test } from "vitest";
import { type Chart, compareReports, comparisonCharts, renderReport, reportCharts } from "../../host/bench/report/mod.ts";
import { report1, report4 } from "./fixtures/reports.ts";

/** vega-lite's warnings and errors while compiling `spec`. */
function compileWarnings(spec: TopLevelSpec): string[] {
  const said: string[] = [];
  const logger = {
    level() { return this; },
    warn(...m: unknown[]) { said.push(`warn: ${m.join(" ")}`); return this; },
    info() { return this; },
    debug() { return this; },
    error(...m: unknown[]) { said.push(`error: ${m.join(" ")}`); return this; },
  };
  compile(spec, { logger });
  return said;
}

const b4 = report4();
b4.binding.bindToCLoop.median *= 0.9;
const ALL: [string, Chart[]][] = [
  ["report4", reportCharts(report4())],
  ["report1", reportCharts(report1())],
  ["comparison", comparisonCharts(compareReports(report4(), b4))],
];

describe("chart specs", () => {
  test.each(ALL)("the %s charts compile without a warning and are titled", (_name, charts) => {
    expect(charts.length).toBeGreaterThanOrEqual(5);
    for (const c of charts) {
      expect(compileWarnings(c.spec), c.id).toEqual([]);
      const spec = c.spec as { title?: { text?: string }; description?: string };
      expect(spec.title?.text, c.id).toMatch(/\S{3}/);
      expect(spec.description, c.id).toMatch(/\S{3}/);
    }
    expect(new Set(charts.map((c) => c.id)).size).toBe(charts.length);
  });

  test("the batch-size chart puts both axes on log scales", () => {
    const spec = JSON.stringify(reportCharts(report4()).find((c) => c.id === "batch-sizes")!.spec);
    expect(spec.match(/"type":"log"/g)).toHaveLength(2);
    expect(spec).toContain('"field":"requests"');
  });

  test("the heatmaps colour by the median of their own figure", () => {
    const heatmaps = reportCharts(report4()).filter((c) => c.id.startsWith("matrix-"));
    expect(heatmaps.map((c) => c.id)).toEqual(["matrix-read", "matrix-write", "matrix-triad", "matrix-latency"]);
    const medians = heatmaps.map((c) => (c.spec as { data: { values: { median: number }[] } }).data.values.map((v) => v.median));
    const cells = report4().matrix.cells;
    expect(medians[0]).toEqual(cells.map((x) => x.c.read.median));
    expect(medians[3]).toEqual(cells.map((x) => x.c.latency.median));
  });

  test("renderReport() draws an unmeasured figure (n = 0) as a grey cell that says so", async () => {
    const r = report4();
    r.matrix.cells[0]!.c.latency = { unit: "ns", n: 0, best: 0, median: 0, min: 0, max: 0, p25: 0, p75: 0 };
    const html = await renderReport(r);
    const fig = html.match(/<figure class="chart" id="chart-matrix-latency"[\s\S]*?<\/figure>/)![0];
    const cells = fig.match(/<g class="mark-rect role-mark cells_marks"[^>]*>([\s\S]*?)<\/g>/)![1]!;
    expect(cells.match(/<path /g)).toHaveLength(16);
    expect(cells.match(/fill="#eeeeee"/g)).toHaveLength(1);
    expect(fig).toContain(">not</tspan>");
  });
});
