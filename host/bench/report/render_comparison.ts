// `--compare a.json b.json` as one HTML page: a diverging ratio chart per section and a table
// of every figure with both runs' spreads.
import type { BenchReport } from "../report_schema.ts";
import { escapeHtml, formatNumber, spreadText } from "./_format.ts";
import { type Chart, renderSvg } from "./_vega.ts";
import { compareReports, type FigureRatio, type ReportComparison } from "./compare_reports.ts";
import { htmlFigure, htmlPage, htmlSection, htmlTable } from "./html_page.ts";
import { ratioSpec, verdict } from "./ratio_spec.ts";

const SECTIONS: readonly { section: FigureRatio["section"]; title: string }[] = [
  { section: "matrix", title: "Placement matrix, C" },
  { section: "matrix js", title: "Placement matrix, JS" },
  { section: "policies", title: "Policies" },
  { section: "migration", title: "Migration" },
  { section: "binding", title: "Binding" },
];

/**
 * The comparison's charts: one per section that has figures with a ratio, in page order.
 * @example Basic usage
 * ```ts
 * expect(comparisonCharts(compareReports(a, b)).map((c) => c.id)).toContain("ratio-binding");
 * ```
 */
export function comparisonCharts(cmp: ReportComparison): Chart[] {
  return SECTIONS.flatMap(({ section, title }) => {
    const figs = cmp.figures.filter((f) => f.section === section && f.ratio !== null && f.ratio > 0);
    return figs.length === 0 ? [] : [{ id: `ratio-${section.replace(/ /g, "-")}`, title: `${title}: b / a per figure`, spec: ratioSpec(title, figs) }];
  });
}

/** Every figure as a table row: both runs' median [p25–p75], the ratio and the verdict. */
function figureTable(cmp: ReportComparison): string {
  return htmlTable(["section", "figure", "unit", "a: median [p25–p75]", "b: median [p25–p75]", "b / a", "b / a range", "b against a"],
    cmp.figures.map((f) => {
      const v = verdict(f);
      return [f.section, f.label, f.unit, spreadText(f.a), spreadText(f.b), f.ratio === null ? "n/a" : formatNumber(f.ratio),
        f.spread ? `${formatNumber(f.spread[0])}–${formatNumber(f.spread[1])}` : "n/a", { text: v, cls: v }];
    }), "Every figure in both runs");
}

/**
 * Renders the comparison of two reports as one self-contained HTML page: a chart of b/a per
 * section (bars diverging around 1.0), a table of every figure with both spreads, and the
 * figures only one run has.
 * @param a the baseline run
 * @param b the run compared with it
 * @example Basic usage
 * ```ts
 * import { renderComparison } from "./mod.ts";
 * const html = await renderComparison(a, b);
 * expect(html).toContain('class="mark-rect role-mark ratios_marks"');
 * ```
 */
export async function renderComparison(a: BenchReport, b: BenchReport): Promise<string> {
  const cmp = compareReports(a, b);
  const charts = comparisonCharts(cmp);
  const svgs = await Promise.all(charts.map((c) => renderSvg(c.spec)));
  const only = (keys: string[], run: string) => (keys.length === 0 ? "" : `<p>Only in ${run} (${keys.length}): ${escapeHtml(keys.join(", "))}.</p>`);
  const sections = [
    htmlSection("ratios", "Ratios b / a", `<div class="charts">${charts.map((c, i) => htmlFigure(c.id, c.title, svgs[i]!)).join("\n")}</div>`),
    htmlSection("figures", "Figures", figureTable(cmp) + only(cmp.onlyInA, "a") + only(cmp.onlyInB, "b")),
  ];
  const lead = `a: ${cmp.a.startedAt}, Linux ${cmp.a.kernel}, ${cmp.a.nodes} node(s). b: ${cmp.b.startedAt}, Linux ${cmp.b.kernel}, ${cmp.b.nodes} node(s). ${cmp.figures.length} figures in both.`;
  return htmlPage("numabind bench comparison", lead, sections);
}
