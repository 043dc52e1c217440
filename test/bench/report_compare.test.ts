// compareReports() ratios come from the inputs' medians, matched by what each figure measures;
// comparisonText() and renderComparison() show them.
import { describe, expect, test } from "vitest";
import { comparisonCharts, comparisonText, compareReports, renderComparison } from "../../host/bench/report/mod.ts";
import type { BenchReport, Stat } from "../../host/bench/report_schema.ts";
import { report1, report4 } from "./fixtures/reports.ts";

/** Scales a stat's median and quartiles by `k`, as a faster or slower run would. */
function scale(s: Stat, k: number): void {
  for (const f of ["best", "median", "min", "max", "p25", "p75"] as const) s[f] *= k;
}

/** Report b: report4 with five figures changed by known factors. */
function changed(): BenchReport {
  const b = report4();
  scale(b.matrix.cells.find((c) => c.cpuNode === 1 && c.memNode === 2)!.c.read, 1.25);
  scale(b.matrix.cells.find((c) => c.cpuNode === 3 && c.memNode === 3)!.c.latency, 0.8);
  scale(b.policies.rows.find((r) => r.name === "local")!.triad, 0.5);
  scale(b.migration.movePages.find((m) => m.chunkPages === 64 && m.from === 0)!.mbPerSec, 2);
  scale(b.binding.batchSizes.find((s) => s.requests === 16)!.cLoopUs, 1.1);
  return b;
}

// 16 cells × (4 C + 3 JS), 8 run policy rows × 2, 10 move_pages + 2 migrate_pages, 3 + 6 × 2 binding.
const FIGURES_4 = 16 * 7 + 8 * 2 + 12 + 15;

describe("compareReports()", () => {
  test("compareReports() of a run with itself lists every figure at ratio 1", () => {
    const cmp = compareReports(report4(), report4());
    expect(cmp.figures).toHaveLength(FIGURES_4);
    expect(new Set(cmp.figures.map((f) => f.key)).size).toBe(FIGURES_4);
    expect(cmp.figures.every((f) => f.ratio === 1)).toBe(true);
    expect(cmp.onlyInA).toEqual([]);
    expect(cmp.onlyInB).toEqual([]);
    expect(new Set(cmp.figures.map((f) => f.section))).toEqual(new Set(["matrix", "matrix js", "policies", "migration", "binding"]));
  });

  test("compareReports() computes b/a of the medians and the quartile range from the inputs", () => {
    const a = report4(), b = changed();
    const cmp = compareReports(a, b);
    const get = (key: string) => cmp.figures.find((f) => f.key === key)!;
    const expected: [string, Stat, Stat, number][] = [
      ["matrix/1/2/c.read", a.matrix.cells[6]!.c.read, b.matrix.cells[6]!.c.read, 1.25],
      ["matrix/3/3/c.latency", a.matrix.cells[15]!.c.latency, b.matrix.cells[15]!.c.latency, 0.8],
      ["policies/local/triad", a.policies.rows[1]!.triad, b.policies.rows[1]!.triad, 0.5],
      ["migration/move_pages/0-1/64", a.migration.movePages[2]!.mbPerSec, b.migration.movePages[2]!.mbPerSec, 2],
      ["binding/batch/16/cLoopUs", a.binding.batchSizes[2]!.cLoopUs, b.binding.batchSizes[2]!.cLoopUs, 1.1],
    ];
    for (const [key, sa, sb, k] of expected) {
      const f = get(key);
      expect(f.a).toEqual(sa);
      expect(f.b).toEqual(sb);
      expect(f.ratio).toBeCloseTo(sb.median / sa.median, 12);
      expect(f.ratio).toBeCloseTo(k, 12);
      expect(f.spread![0]).toBeCloseTo(sb.p25 / sa.p75, 12);
      expect(f.spread![1]).toBeCloseTo(sb.p75 / sa.p25, 12);
      expect(f.spread![0]).toBeLessThan(f.ratio!);
      expect(f.spread![1]).toBeGreaterThan(f.ratio!);
    }
    // Every other figure is unchanged.
    const keys = new Set(expected.map(([k]) => k));
    expect(cmp.figures.filter((f) => !keys.has(f.key)).every((f) => f.ratio === 1)).toBe(true);
  });

  test("compareReports() knows which way is better from the unit", () => {
    const cmp = compareReports(report4(), report4());
    expect(cmp.figures.filter((f) => f.unit === "MB/s").every((f) => f.higherIsBetter)).toBe(true);
    expect(cmp.figures.filter((f) => f.unit !== "MB/s").every((f) => !f.higherIsBetter)).toBe(true);
    expect(cmp.figures.find((f) => f.key === "binding/bindToCLoop")!.unit).toBe("ratio");
  });

  test("compareReports() matches figures by what they measure and lists the rest", () => {
    const cmp = compareReports(report4(), report1());
    // Cell 0×0 (7 figures), four policy rows both ran (2 each), the binding suite (15).
    expect(cmp.figures).toHaveLength(7 + 4 * 2 + 15);
    expect(cmp.figures.filter((f) => f.section === "policies").map((f) => f.key)).toEqual([
      "policies/no policy/read", "policies/no policy/triad", "policies/local/read", "policies/local/triad",
      "policies/interleave all/read", "policies/interleave all/triad", "policies/preferred right/read", "policies/preferred right/triad",
    ]);
    expect(cmp.onlyInA).toContain("matrix/1/2/c.read");
    expect(cmp.onlyInA).toContain("migration/migrate_pages/0→1");
    expect(cmp.onlyInB).toEqual(["policies/bind:0/read", "policies/bind:0/triad"]);
    // Skipped rows measured nothing: no figure on either side.
    expect([...cmp.onlyInA, ...cmp.onlyInB, ...cmp.figures.map((f) => f.key)].some((k) => k.includes("weighted"))).toBe(false);
    expect(cmp.figures.find((f) => f.key === "policies/local/read")!.ratio).toBeCloseTo(20_100 / 23_900, 12);
    expect(cmp.a.nodes).toBe(4);
    expect(cmp.b.nodes).toBe(1);
  });

  test("compareReports() gives no ratio over a zero median", () => {
    const a = report4();
    a.binding.planUsPerRange = { ...a.binding.planUsPerRange, median: 0, p25: 0 };
    const f = compareReports(a, report4()).figures.find((x) => x.key === "binding/planUsPerRange")!;
    expect(f.ratio).toBeNull();
    expect(f.spread).toBeNull();
  });
});

describe("comparisonText()", () => {
  test("comparisonText() summarises each section and lists the figures that moved", () => {
    const text = comparisonText(report4(), changed());
    const lines = text.trimEnd().split("\n");
    expect(lines.length).toBeLessThanOrEqual(30);
    expect(text).toMatch(/^matrix +64 +×\d\.\d{3}/m);
    expect(text).toMatch(/^binding +15 +×/m);
    expect(text).toContain("moved more than ±2%: 5 of 155");
    expect(text).toMatch(/^move_pages 0→1, 64 pages\/call +MB\/s .* ×2\.000 +better$/m);
    expect(text).toMatch(/^CPU 1 × mem 2 C read +MB\/s +10,909 +13,636 +×1\.250 +better$/m);
    expect(text).toMatch(/^local triad .*×0\.500 +worse$/m);
    expect(text).toMatch(/^CPU 3 × mem 3 C latency .*×0\.800 +better$/m);
    expect(text).toMatch(/^C loop, 16 requests .*×1\.100 +worse$/m);
    // Largest change first.
    expect(lines.findIndex((l) => l.includes("×2.000"))).toBeLessThan(lines.findIndex((l) => l.includes("×1.100")));
  });

  test("comparisonText() says when nothing moved", () => {
    const text = comparisonText(report1(), report1());
    expect(text).toContain("no figure moved more than ±2%");
    expect(text).not.toContain("better");
  });
});

describe("renderComparison()", () => {
  test("renderComparison() draws one diverging chart per section, one bar per figure", async () => {
    const a = report4(), b = changed();
    const html = await renderComparison(a, b);
    const cmp = compareReports(a, b);
    expect(comparisonCharts(cmp).map((c) => c.id)).toEqual(["ratio-matrix", "ratio-matrix-js", "ratio-policies", "ratio-migration", "ratio-binding"]);
    const figures = [...html.matchAll(/<figure class="chart" id="chart-([^"]+)"[\s\S]*?<\/figure>/g)];
    expect(figures.map((m) => m[1])).toEqual(comparisonCharts(cmp).map((c) => c.id));
    for (const [fig, id] of figures.map((m) => [m[0], m[1]!] as const)) {
      const section = cmp.figures.filter((f) => `ratio-${f.section.replace(/ /g, "-")}` === id);
      const bars = fig.match(/<g class="mark-rect role-mark ratios_marks"[^>]*>([\s\S]*?)<\/g>/)![1]!;
      expect(bars.match(/<path /g)).toHaveLength(section.length);
    }
    // Three figures got better and two worse in b; the table and the bars say so.
    expect(html.match(/<td class="better">/g)).toHaveLength(3);
    expect(html.match(/<td class="worse">/g)).toHaveLength(2);
    const bars = [...html.matchAll(/<path aria-label="([^"]*)" role="graphics-symbol" aria-roledescription="bar" d="[^"]*" fill="(#[0-9a-f]+)"/g)];
    expect(bars.filter((m) => m[2] === "#54a24b").map((m) => m[1])).toEqual([
      "CPU 1 × mem 2 C read: b/a ×1.250, better (MB/s, higher is better)",
      "CPU 3 × mem 3 C latency: b/a ×0.800, better (ns, lower is better)",
      "move_pages 0→1, 64 pages/call: b/a ×2.000, better (MB/s, higher is better)",
    ]);
    expect(bars.filter((m) => m[2] === "#e45756").map((m) => m[1])).toEqual([
      "local triad: b/a ×0.500, worse (MB/s, higher is better)",
      "C loop, 16 requests: b/a ×1.100, worse (us, lower is better)",
    ]);
    expect(html).not.toMatch(/<script/i);
  });
});
