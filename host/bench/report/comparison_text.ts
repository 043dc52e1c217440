// `--compare` in the terminal: one line per section (geometric mean and extremes of b/a),
// then the figures that moved beyond noise, largest first. The HTML page and compareReports()
// list every figure.
import type { BenchReport } from "../report_schema.ts";
import { formatNumber } from "./_format.ts";
import { compareReports, type FigureRatio } from "./compare_reports.ts";
import { SAME_WITHIN, verdict } from "./ratio_spec.ts";

/**
 * How many of the most-changed figures the terminal table shows: one screen with the section
 * lines; the rest are in the HTML page.
 * @example Basic usage
 * ```ts
 * expect(COMPARISON_TEXT_ROWS).toBe(12);
 * ```
 */
export const COMPARISON_TEXT_ROWS = 12;

/** Rows of cells as aligned columns, two spaces apart; the columns in `right` right-aligned. */
function columns(rows: readonly string[][], right: readonly number[]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => [...(r[i] ?? "")].length)));
  return rows.map((r) => r.map((c, i) => (right.includes(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ").trimEnd());
}

const ratioText = (r: number | null): string => (r === null ? "n/a" : `×${r.toFixed(3)}`);

/**
 * A short terminal table of b against a: per section the number of figures, the geometric
 * mean of b/a and its extremes, then up to COMPARISON_TEXT_ROWS figures that moved more than
 * SAME_WITHIN, largest change first.
 * @param a the baseline run
 * @param b the run compared with it
 * @example Basic usage
 * ```ts
 * import { comparisonText } from "./mod.ts";
 * expect(comparisonText(a, a)).toContain("no figure moved more than ±2%");
 * ```
 */
export function comparisonText(a: BenchReport, b: BenchReport): string {
  const cmp = compareReports(a, b);
  const withRatio = cmp.figures.filter((f): f is FigureRatio & { ratio: number } => f.ratio !== null && f.ratio > 0);
  const sections = [...new Set(withRatio.map((f) => f.section))];
  const summary = [["section", "figures", "geomean b/a", "lowest", "highest"], ...sections.map((s) => {
    const fs = withRatio.filter((f) => f.section === s);
    const geo = Math.exp(fs.reduce((t, f) => t + Math.log(f.ratio), 0) / fs.length);
    const lo = fs.reduce((m, f) => (f.ratio < m.ratio ? f : m)), hi = fs.reduce((m, f) => (f.ratio > m.ratio ? f : m));
    return [s, String(fs.length), ratioText(geo), `${ratioText(lo.ratio)} ${lo.label}`, `${ratioText(hi.ratio)} ${hi.label}`];
  })];
  const moved = withRatio.filter((f) => verdict(f) !== "same");
  const changed = [...moved].sort((x, y) => Math.abs(Math.log(y.ratio)) - Math.abs(Math.log(x.ratio))).slice(0, COMPARISON_TEXT_ROWS);
  const top = [["figure", "unit", "a", "b", "b/a", ""], ...changed.map((f) => [f.label, f.unit, formatNumber(f.a.median), formatNumber(f.b.median), ratioText(f.ratio), verdict(f)])];
  const lines = [
    `b/a of medians: a ${cmp.a.startedAt}, b ${cmp.b.startedAt}; ${cmp.figures.length} figures in both runs`,
    "", ...columns(summary, [1, 2]),
    "", ...(moved.length === 0
      ? [`no figure moved more than ±${SAME_WITHIN * 100}%`]
      : [`moved more than ±${SAME_WITHIN * 100}%: ${moved.length} of ${withRatio.length}${moved.length > changed.length ? `, the ${changed.length} largest` : ""}`, ...columns(top, [2, 3, 4])]),
  ];
  if (cmp.onlyInA.length + cmp.onlyInB.length > 0) lines.push("", `only in a: ${cmp.onlyInA.length}, only in b: ${cmp.onlyInB.length}`);
  return lines.join("\n") + "\n";
}
