// The machine and the run a report describes, as plain tables: without them the figures
// cannot be compared with another machine's.
import type { BenchReport } from "../report_schema.ts";
import { formatBytes, formatNumber, nodeRanges } from "./_format.ts";
import { htmlTable } from "./html_page.ts";

/**
 * The environment as HTML: the run and machine facts, the nodes, the distance matrix and
 * cpu0's caches.
 * @example Basic usage
 * ```ts
 * const html = environmentTables(report);
 * expect(html).toContain(report.environment.kernel);
 * ```
 */
export function environmentTables(report: BenchReport): string {
  const e = report.environment, m = report.matrix;
  const facts = htmlTable(["", ""], [
    ["kernel", e.kernel],
    ["CPU model", e.cpuModel],
    ["online CPUs", String(e.cpus)],
    ["page size", formatBytes(e.pageSize)],
    ["last-level cache", formatBytes(e.llcBytes)],
    ["backend", `${e.backend} (${e.path})`],
    ["versions", `numabind ${e.versions.numabind}, Node.js ${e.versions.node}, V8 ${e.versions.v8}`],
    ["run", `${report.startedAt}, ${formatNumber(report.durationMs / 1000)} s${report.quick ? ", quick" : ""}`],
    ["matrix arrays", `${formatBytes(m.arrayBytes)} each, ${m.repeats} repeats, ` + (m.followsStreamRule ? "at least 4 × LLC (STREAM rule)" : "smaller than 4 × LLC: caches inflate the figures")],
    ["policy arrays", formatBytes(report.policies.arrayBytes)],
  ], "Run and machine");
  const nodes = htmlTable(["node", "CPUs", "memory", "has memory"],
    e.nodes.map((n) => [String(n.id), nodeRanges(n.cpus), formatBytes(n.memTotalBytes), n.hasMemory ? "yes" : "no"]), "Nodes");
  const ids = e.nodes.map((n) => String(n.id));
  const distances = htmlTable(["from \\ to", ...ids], e.distances.map((row, i) => [ids[i] ?? String(i), ...row.map(String)]), "Node distances (SLIT)");
  const caches = htmlTable(["level", "type", "size"], e.caches.map((c) => [`L${c.level}`, c.type, formatBytes(c.sizeBytes)]), "Caches (cpu0)");
  return [facts, nodes, distances, caches].join("\n");
}
