// The one place charts become SVG: a vega-lite spec compiled by vega-lite, rendered by vega's
// headless View. Nothing else in the report draws SVG by hand.
import { parse, View } from "vega";
import { compile, type TopLevelSpec } from "vega-lite";

/**
 * A chart as the page needs it: an id for the figure element, a title for its caption, and
 * the vega-lite spec that draws it.
 * @example Basic usage
 * ```ts
 * const chart: Chart = { id: "x", title: "X", spec: { data: { values: [] }, mark: "bar" } };
 * expect(chart.id).toBe("x");
 * ```
 */
export interface Chart { id: string; title: string; spec: TopLevelSpec }

/**
 * The report's palette: one color for figures that passed their placement check, one for
 * those that did not (Tableau's blue and red, told apart also by an outline or a "!" mark,
 * so the page does not rely on color alone).
 * @example Basic usage
 * ```ts
 * expect(COLORS.failed).not.toBe(COLORS.ok);
 * ```
 */
export const COLORS = { ok: "#4c78a8", okLight: "#9ecae9", failed: "#e45756", failedLight: "#ff9d98", better: "#54a24b", worse: "#e45756", same: "#bab0ac" } as const;

/**
 * Settings every spec shares: the font, no outer view stroke, and aria on, so vega's SVG keeps
 * its aria-label on each mark.
 * @example Basic usage
 * ```ts
 * expect(CHART_CONFIG.aria).toBe(true);
 * ```
 */
export const CHART_CONFIG = {
  aria: true,
  font: "system-ui, -apple-system, Segoe UI, Roboto, sans-serif",
  title: { anchor: "start", fontSize: 14, subtitleFontSize: 11, subtitleColor: "#555" },
  axis: { labelFontSize: 11, titleFontSize: 11 },
  legend: { labelFontSize: 11, titleFontSize: 11 },
} as const;

/**
 * Compiles a vega-lite spec and renders it with vega's headless View to an SVG string.
 * @example Basic usage
 * ```ts
 * const svg = await renderSvg({ data: { values: [{ x: "a", y: 1 }] }, mark: "bar",
 *   encoding: { x: { field: "x", type: "nominal" }, y: { field: "y", type: "quantitative" } } });
 * expect(svg).toContain('class="mark-rect role-mark');
 * ```
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile({ config: CHART_CONFIG, ...spec } as TopLevelSpec).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    // A View keeps timers and listeners alive until finalized.
    view.finalize();
  }
}
