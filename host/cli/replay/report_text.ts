// The report as text: one section per process, its map as a table, then what the calls did.
import { count, table } from "../format.ts";
import type { ProcessReport, ReplayReport } from "./apply.ts";
import type { ReportPolicy } from "./policy_words.ts";

/**
 * Map rows the text shows per process; --json lists all.
 * @example Basic usage
 * ```ts
 * expect(MAP_ROWS).toBeGreaterThan(LIST_ROWS);
 * ```
 */
export const MAP_ROWS = 100;
/**
 * Rows of each other list (no change, splits, move_pages...) the text shows per process.
 * @example Basic usage
 * ```ts
 * expect(LIST_ROWS).toBe(20);
 * ```
 */
export const LIST_ROWS = 20;

/**
 * A policy in a few words: "bind 0-1 (static)", "interleave, nodes unknown", "local".
 * @example Basic usage
 * ```ts
 * expect(policyText({ mode: "bind", nodes: "0-1", flags: ["static"] })).toBe("bind 0-1 (static)");
 * expect(policyText({ mode: "interleave", nodes: null })).toBe("interleave, nodes unknown");
 * ```
 */
export function policyText(p: ReportPolicy): string {
  const nodes = p.nodes === null ? ", nodes unknown" : p.nodes === "" ? "" : ` ${p.nodes}`;
  return `${p.mode}${nodes}${p.flags ? ` (${p.flags.join(", ")})` : ""}`;
}

/** Up to `max` lines of `items`, then how many more. */
function capped<T>(items: readonly T[], max: number, line: (t: T) => string, indent = "    "): string[] {
  const out = items.slice(0, max).map((t) => indent + line(t));
  if (items.length > max) out.push(`${indent}... and ${count(items.length - max)} more (--json lists all)`);
  return out;
}

/** Page count of [start, end) as text. */
function pages(start: string, end: string, pageSize: number): string {
  return count(Number((BigInt(end) - BigInt(start)) / BigInt(pageSize)));
}

function processText(p: ProcessReport, pageSize: number): string {
  const calls = Object.entries(p.calls).filter(([, n]) => n > 0).map(([c, n]) => `${count(n)} ${c}`).join(", ");
  const lines = [`process ${p.pid}${p.hostPid === undefined ? "" : ` (host pid ${p.hostPid})`}: ${calls || "no calls"}`];
  if (p.map.length === 0) lines.push("  map: empty (every range replayed is at the default policy)");
  else {
    const rows = p.map.slice(0, MAP_ROWS).map((m) => [m.start, m.end, pages(m.start, m.end, pageSize), m.mode, m.nodes ?? "nodes unknown", (m.flags ?? []).join(",")]);
    lines.push(table(["start", "end", "pages", "mode", "nodes", "flags"], rows));
    if (p.map.length > MAP_ROWS) lines.push(`  ... and ${count(p.map.length - MAP_ROWS)} more ranges (--json lists all)`);
  }
  if (p.threads.length > 0) {
    lines.push("  thread policies (set_mempolicy):", ...capped(p.threads, LIST_ROWS, (t) => `thread ${t.tid}: ${policyText(t.policy)} (line ${t.line})`));
  }
  if (p.noChange.length > 0) {
    lines.push(`  calls that changed nothing: ${count(p.noChange.length)}`, ...capped(p.noChange, LIST_ROWS, (c) =>
      `line ${c.line}: ${c.start}-${c.end} ${policyText(c)}, ${c.reason === "empty-range" ? "an empty range" : "already in force"}`));
  }
  if (p.splits.length > 0) {
    lines.push(`  calls that split a bound range: ${count(p.splits.length)}`, ...capped(p.splits, LIST_ROWS, (s) =>
      `line ${s.line}: ${s.start}-${s.end} ${policyText(s)} inside ${s.inside.map((r) => `${r.start}-${r.end} ${policyText(r)}`).join(" and ")} (+${s.mappingsAdded} mappings)`));
  }
  const failures = Object.entries(p.failures);
  if (failures.length > 0) lines.push(`  failures: ${failures.map(([e, n]) => `${e} ${count(n)}`).join(", ")}`);
  lines.push(`  estimated mappings: ${count(p.estimatedMappings)} (at most, for the final map)`);
  const result = (r: { result: number; error?: string }): string => (r.error ? `failed with ${r.error}` : `returned ${r.result}`);
  if (p.movePages.length > 0) {
    lines.push("  move_pages:", ...capped(p.movePages, LIST_ROWS, (m) =>
      `line ${m.line}: pid ${m.pid}, ${count(m.count)} pages ${m.query ? "queried" : `to ${m.nodes === null ? "nodes unknown" : `${m.nodes}${m.truncated ? " (and more)" : ""}`}`}, ${result(m)}`));
  }
  if (p.migratePages.length > 0) {
    lines.push("  migrate_pages:", ...capped(p.migratePages, LIST_ROWS, (m) =>
      `line ${m.line}: pid ${m.pid}, from ${m.from ?? "nodes unknown"} to ${m.to ?? "nodes unknown"}, ${m.error ? `failed with ${m.error}` : `${m.result} pages not moved`}`));
  }
  return lines.join("\n");
}

/**
 * The report as `numabind replay` prints it without --json.
 * @example Basic usage
 * ```ts
 * const text = replayText(replayLog("12 mbind(0x7f0000000000, 8192, MPOL_BIND, [0x3], 65, 0) = 0\n"));
 * expect(text).toMatch(/^process 12: 1 mbind\n/);
 * expect(text).toMatch(/0x7f0000000000 +0x7f0000002000 +2 +bind +0-1/);
 * ```
 */
export function replayText(r: ReplayReport): string {
  const head = `${count(r.events)} memory-policy events (${r.format}), ${r.processes.length} process${r.processes.length === 1 ? "" : "es"}`;
  return [head, ...r.processes.map((p) => processText(p, r.pageSize))].join("\n\n");
}
