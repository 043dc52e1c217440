// `numabind bench` as one HTML page: charts rendered to SVG on the server, tables of the
// environment and of every figure with its spread, and the failed placement checks up front.
import type { BenchReport } from "../report_schema.ts";
import { escapeHtml } from "./_format.ts";
import { type Chart, renderSvg } from "./_vega.ts";
import { batchCharts } from "./batch_spec.ts";
import { environmentTables } from "./environment_table.ts";
import { failedChecksHtml } from "./failed_checks.ts";
import { bindingTables, jsToCTable, matrixTable, migrationTable, policyTable } from "./figure_tables.ts";
import { htmlFigure, htmlPage, htmlSection } from "./html_page.ts";
import { matrixCharts } from "./matrix_spec.ts";
import { migrationCharts } from "./migration_spec.ts";
import { policyCharts } from "./policy_spec.ts";

/**
 * Every chart a report's page holds, in page order: four matrix heatmaps, the policy bars,
 * the migration bars (when anything migrated) and cost against batch size.
 * @example Basic usage
 * ```ts
 * expect(reportCharts(report).map((c) => c.id)).toContain("batch-sizes");
 * ```
 */
export function reportCharts(report: BenchReport): Chart[] {
  return [...matrixCharts(report), ...policyCharts(report), ...migrationCharts(report), ...batchCharts(report)];
}

/** The figures of `charts` as HTML, in one flex row. */
async function figures(charts: readonly Chart[], notes: Record<string, string> = {}): Promise<string> {
  const svgs = await Promise.all(charts.map((c) => renderSvg(c.spec)));
  return `<div class="charts">${charts.map((c, i) => htmlFigure(c.id, c.title, svgs[i]!, notes[c.id])).join("\n")}</div>`;
}

/** What the policy chart leaves out or flags, said in words under it. */
function policyNote(report: BenchReport): string {
  const rows = report.policies.rows;
  const skipped = rows.filter((r) => r.skipped !== undefined).map((r) => `${r.name} (${r.skipped})`);
  const failed = rows.filter((r) => r.skipped === undefined && !r.placement.ok).map((r) => r.name);
  return [skipped.length ? `Skipped, no bars: ${skipped.join("; ")}.` : "", failed.length ? `Placement check failed (red, !): ${failed.join(", ")}.` : ""].filter(Boolean).join(" ");
}

/**
 * Renders a bench report as one self-contained HTML page: vega-lite charts compiled and
 * rendered to SVG here (no script and no network to view it), tables with each figure's
 * median [p25–p75], and a list of every failed placement check.
 * @param report a report that passed parseReport()
 * @returns the HTML document
 * @example Basic usage
 * ```ts
 * import { readFileSync } from "node:fs";
 * import { parseReport, renderReport } from "./mod.ts";
 * const html = await renderReport(parseReport(JSON.parse(readFileSync("bench.json", "utf8"))));
 * expect(html).toContain("<svg");
 * expect(html).not.toContain("<script");
 * ```
 */
export async function renderReport(report: BenchReport): Promise<string> {
  const e = report.environment;
  const sections = [
    htmlSection("checks", "Placement checks", failedChecksHtml(report)),
    htmlSection("environment", "Environment", environmentTables(report)),
    htmlSection("matrix", "Placement matrix (CPU node × memory node)",
      (await figures(matrixCharts(report))) + matrixTable(report) + jsToCTable(report)),
    htmlSection("policies", "Policies", (await figures(policyCharts(report), { policies: policyNote(report) })) +
      (policyCharts(report).length === 0 ? `<p>${escapeHtml(policyNote(report) || "No policy rows.")}</p>` : "") + policyTable(report)),
    htmlSection("migration", "Migration", migrationCharts(report).length === 0
      ? `<p>Not measured: ${e.nodes.length < 2 ? "one node, nowhere to migrate to" : "no migration figures in this report"}.</p>`
      : (await figures(migrationCharts(report))) + migrationTable(report)),
    htmlSection("binding", "Binding", (await figures(batchCharts(report))) + bindingTables(report)),
  ];
  const lead = `${e.cpuModel}, ${e.nodes.length} node${e.nodes.length === 1 ? "" : "s"}, ${e.cpus} CPUs, Linux ${e.kernel}; started ${report.startedAt}${report.quick ? " (quick run)" : ""}.`;
  return htmlPage("numabind bench report", lead, sections);
}
