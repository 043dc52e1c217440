// Every placement check that failed, in one list: a figure measured on the wrong node is not
// the figure its label claims, so the page says so plainly and up front.
import type { BenchReport } from "../report_schema.ts";
import { escapeHtml, pagesText } from "./_format.ts";

/**
 * One failed placement check: where it was, and why.
 * @example Basic usage
 * ```ts
 * const f: FailedCheck = { where: "matrix", label: "CPU node 1 × memory node 2", reason: "512 pages on node 0" };
 * expect(f.where).toBe("matrix");
 * ```
 */
export interface FailedCheck { where: "matrix" | "policy"; label: string; reason: string }

/**
 * The failed placement checks of a report: matrix cells first, then policy rows (skipped rows
 * ran nothing, so they cannot fail).
 * @example Basic usage
 * ```ts
 * expect(failedChecks(report).map((f) => f.label)).toContain("CPU node 1 × memory node 2");
 * ```
 */
export function failedChecks(report: BenchReport): FailedCheck[] {
  const cells = report.matrix.cells.filter((c) => !c.placement.ok).map((c): FailedCheck => ({
    where: "matrix", label: `CPU node ${c.cpuNode} × memory node ${c.memNode}`,
    reason: c.placement.reason ?? `pages per node ${pagesText(c.placement.pagesPerNode)}, asked for node ${c.memNode}`,
  }));
  const rows = report.policies.rows.filter((r) => r.skipped === undefined && !r.placement.ok).map((r): FailedCheck => ({
    where: "policy", label: `policy row "${r.name}"`,
    reason: r.placement.reason ?? `pages per node ${pagesText(r.placement.pagesPerNode)}, expected on ${r.expect.nodes.join(",")}`,
  }));
  return [...cells, ...rows];
}

/**
 * The failed checks as an HTML list (each item class "failed"), or a sentence saying all passed.
 * @example Basic usage
 * ```ts
 * expect(failedChecksHtml(report)).toContain('<li class="failed">');
 * ```
 */
export function failedChecksHtml(report: BenchReport): string {
  const failed = failedChecks(report);
  if (failed.length === 0) return `<p class="all-ok">Every placement check passed: pages were where each figure says.</p>`;
  const items = failed.map((f) => `<li class="failed"><strong>${escapeHtml(f.label)}</strong>: ${escapeHtml(f.reason)}</li>`);
  return `<p>${failed.length} placement check${failed.length === 1 ? "" : "s"} failed; their figures do not measure the placement they name.</p>\n<ul class="checks failed-checks">${items.join("\n")}</ul>`;
}
