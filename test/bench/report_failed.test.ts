// renderReport() marks every failed placement check: an outline and "!" on the heatmap cell,
// red bars and "!" on the policy row, and one list of them all; skipped rows are said, not drawn.
import { describe, expect, test } from "vitest";
import { failedChecks, renderReport } from "../../host/bench/report/mod.ts";
import { report1, report4 } from "./fixtures/reports.ts";

/**
 * The children of the first vega mark group named `name` in `svg` (e.g. "placement_failed"):
 * "" for an empty group, which vega writes self-closed; undefined when there is none.
 */
function markGroup(svg: string, name: string): string | undefined {
  const m = svg.match(new RegExp(`<g class="mark-[a-z]+ role-mark ${name}_marks"[^>]*?(/>|>([\\s\\S]*?)</g>)`));
  return m ? (m[2] ?? "") : undefined;
}

/** Each chart figure's id and HTML. */
const charts = (html: string) => new Map([...html.matchAll(/<figure class="chart" id="chart-([^"]+)"[\s\S]*?<\/figure>/g)].map((m) => [m[1]!, m[0]]));

describe("renderReport() and failed placement checks", () => {
  test("failedChecks() lists the failed matrix cell and the failed policy row, not the skipped one", () => {
    expect(failedChecks(report4())).toEqual([
      { where: "matrix", label: "CPU node 1 × memory node 2", reason: "512 of 12288 pages on node 0, not 2" },
      { where: "policy", label: 'policy row "bind:1"', reason: "1024 of 4096 pages on node 0, not 1" },
    ]);
    expect(failedChecks(report1())).toEqual([]);
  });

  test("renderReport() outlines and flags the failed cell on every heatmap", async () => {
    const byId = charts(await renderReport(report4()));
    for (const id of ["matrix-read", "matrix-write", "matrix-triad", "matrix-latency"]) {
      const fig = byId.get(id)!;
      expect(fig, id).toBeDefined();
      expect(markGroup(fig, "cells")!.match(/<path /g)).toHaveLength(16);
      const outline = markGroup(fig, "placement_failed")!;
      expect(outline.match(/<path /g)).toHaveLength(1);
      expect(outline).toContain('aria-label="CPU node 1, memory node 2: placement check failed: 512 of 12288 pages on node 0, not 2"');
      expect(outline).toContain('stroke="#e45756"');
      const flag = markGroup(fig, "placement_failed_flag")!;
      expect(flag.match(/<text[^>]*>!<\/text>/g)).toHaveLength(1);
    }
  });

  test("renderReport() draws the failed policy row red with a flag, and leaves the skipped row out", async () => {
    const fig = charts(await renderReport(report4())).get("policies")!;
    const bars = [...markGroup(fig, "bars")!.matchAll(/<path aria-label="([^"]*)"[^>]*fill="(#[0-9a-f]+)"/g)];
    // Eight rows ran, two bars each.
    expect(bars).toHaveLength(16);
    const red = bars.filter((m) => m[2] === "#e45756" || m[2] === "#ff9d98").map((m) => m[1]);
    expect(red).toHaveLength(2);
    expect(red.every((l) => l!.includes("row: bind:1 !"))).toBe(true);
    expect(bars.some((m) => m[1]!.includes("weighted-interleave"))).toBe(false);
    expect(fig).toContain("Skipped, no bars: weighted-interleave all (weighted-interleave needs Linux 6.9).");
    expect(fig).toContain("Placement check failed (red, !): bind:1.");
  });

  test("renderReport() lists every failed check up front and marks it in the tables", async () => {
    const html = await renderReport(report4());
    const checks = html.slice(html.indexOf('<h2 id="checks">'), html.indexOf('<h2 id="environment">'));
    expect(checks).toContain("2 placement checks failed");
    expect(checks.match(/<li class="failed">/g)).toHaveLength(2);
    expect(checks).toContain("<strong>CPU node 1 × memory node 2</strong>: 512 of 12288 pages on node 0, not 2");
    expect(checks).toContain("<strong>policy row &quot;bind:1&quot;</strong>: 1024 of 4096 pages on node 0, not 1");
    expect(html.match(/<td class="failed">/g)).toHaveLength(2);
    expect(html).toContain('<td class="skipped">skipped: weighted-interleave needs Linux 6.9</td>');
  });

  test("renderReport() of a report where every check passed draws no outline and says so", async () => {
    const html = await renderReport(report1());
    expect(html).toContain("Every placement check passed");
    expect(html).not.toContain('<li class="failed">');
    const heatmaps = [...charts(html)].filter(([id]) => id.startsWith("matrix-"));
    expect(heatmaps).toHaveLength(4);
    for (const [, fig] of heatmaps) {
      expect(markGroup(fig, "cells")!.match(/<path /g)).toHaveLength(1);
      expect(markGroup(fig, "placement_failed")).toBe("");
      expect(markGroup(fig, "placement_failed_flag")).toBe("");
    }
  });

  test("renderReport() escapes the machine's strings", async () => {
    const html = await renderReport(report4());
    expect(html).toContain("6.12.0-test &lt;amd64&gt;");
    expect(html).toContain("Synthetic CPU @ 3.0GHz &amp; co");
    expect(html).not.toContain("<amd64>");
  });
});
