/** numastat's text layout for `numabind stat`'s report: columns of 16, printf's rounding. */
import type { StatReport, StatRow } from "./_stat_types.ts";

/** One table in numastat's layout (numastat.c display_table). */
interface NumastatTable {
  /** Printed after a blank line, above the table. */
  title?: string;
  /** The header cell over the labels ("PID" in the table of several processes). */
  corner: string;
  columns: string[];
  rows: { label: string; values: number[] }[];
  /** A last row below a dashed rule (the process tables). */
  total?: { label: string; values: number[] };
  decimals: number;
  /** Dashes under the column headers: every table but plain numastat's. */
  rules: boolean;
  /** The label column as wide as its longest label plus one, from 17 to 24 (process tables). */
  autoLabel?: boolean;
}

/** numastat's column width. */
const CELL = 16;

/** A number as printf's "%.*f": glibc rounds exact ties to even where toFixed rounds them up. */
function fixed(v: number, decimals: number): string {
  const scaled = v * 10 ** decimals, floor = Math.floor(scaled);
  // MiB values are multiples of 2^-20, so a tie such as 0.125 is exact and common.
  return scaled - floor === 0.5 && floor % 2 === 0 ? (floor / 10 ** decimals).toFixed(decimals) : v.toFixed(decimals);
}

/** Renders a table as numastat does: 16-wide cells, labels left, numbers right, cells cut to fit. */
function renderNumastat(t: NumastatTable, skipZero: boolean): string {
  const lines = t.title === undefined ? [] : ["", t.title];
  const nonZero = (r: { values: number[] }): boolean => r.values.some((v) => v !== 0);
  const all = t.total ? [...t.rows, t.total] : t.rows;
  if (skipZero && !all.some(nonZero)) return [...lines, "Table has no non-zero data."].join("\n");
  const keep = t.columns.map((_, i) => !skipZero || all.some((r) => r.values[i] !== 0));
  const width = t.autoLabel ? Math.min(Math.max(CELL, t.corner.length, ...all.map((r) => r.label.length)) + 1, 24) : CELL;
  const rule = (w: number): string => "-".repeat(w - 1);
  const line = (label: string, cells: string[]): string =>
    label.slice(0, width).padEnd(width) + cells.filter((_, i) => keep[i]).map((c) => c.slice(0, CELL).padStart(CELL)).join("");
  const numbers = (r: { label: string; values: number[] }): string => line(r.label, r.values.map((v) => fixed(v, t.decimals)));
  lines.push(line(t.corner, t.columns));
  if (t.rules) lines.push(line(t.corner === "" ? "" : rule(width), t.columns.map(() => rule(CELL))));
  lines.push(...t.rows.filter((r) => !skipZero || nonZero(r)).map(numbers));
  if (t.total) {
    lines.push(line(rule(width), t.columns.map(() => rule(CELL))));
    if (!skipZero || nonZero(t.total)) lines.push(numbers(t.total));
  }
  return lines.join("\n");
}

/** numastat -n's row labels: "numa_hit" becomes "Numa_Hit". */
const capitalized = (name: string): string => name.replace(/(^|_)([a-z])/g, (_m, sep: string, c: string) => sep + c.toUpperCase());

/**
 * The report in numastat's layout: the process tables, then meminfo, then the counters. The
 * counters in pages come as plain numastat prints them (nodeN columns, counter names, no Total);
 * in MiB as numastat -n prints them. Lines are never folded at the terminal's width.
 * @param skipZero leave out rows and columns of zeros (-z)
 * @example Basic usage
 * ```ts
 * const text = statText({ nodes: [0], pageSize: 4096, counters: countersTable(["numa_hit 7\n"], 4096, "pages") }, false);
 * expect(text).toBe(`${" ".repeat(27)}node0\nnuma_hit${" ".repeat(23)}7`);
 * ```
 */
export function statText(r: StatReport, skipZero: boolean): string {
  const cells = (row: StatRow): number[] => [...row.perNode, row.total];
  const labelled = (rows: StatRow[], label: (name: string) => string) => rows.map((row) => ({ label: label(row.name), values: cells(row) }));
  // Every table but plain numastat's: MBs with two decimals, Node N and Total columns, rules.
  const inMB = (title: string, rest: Pick<NumastatTable, "rows"> & Partial<NumastatTable>): string => renderNumastat({
    title, corner: "", columns: [...r.nodes.map((n) => `Node ${n}`), "Total"], decimals: 2, rules: true, ...rest,
  }, skipZero);
  const out: string[] = [];
  const procs = r.processes ?? [];
  if (procs.length === 1) {
    const p = procs[0]!;
    out.push(inMB(`Per-node process memory usage (in MBs) for PID ${p.pid} (${p.name})`,
      { autoLabel: true, rows: labelled(p.rows, capitalized), total: { label: "Total", values: cells(p.total) } }));
  } else if (procs.length > 1) {
    const total = cells(procs[0]!.total).map((_, i) => procs.reduce((a, p) => a + cells(p.total)[i]!, 0));
    out.push(inMB("Per-node process memory usage (in MBs)", {
      corner: "PID", autoLabel: true, rows: procs.map((p) => ({ label: `${p.pid} (${p.name})`, values: cells(p.total) })), total: { label: "Total", values: total },
    }));
  }
  if (r.meminfo) out.push(inMB("Per-node system memory usage (in MBs):", { rows: labelled(r.meminfo.rows, (n) => n) }));
  if (r.counters?.unit === "MiB") out.push(inMB("Per-node numastat info (in MBs):", { rows: labelled(r.counters.rows, capitalized) }));
  else if (r.counters) {
    out.push(renderNumastat({
      corner: "", columns: r.nodes.map((n) => `node${n}`), decimals: 0, rules: false,
      rows: r.counters.rows.map((row) => ({ label: row.name, values: row.perNode })),
    }, skipZero));
  }
  return out.join("\n");
}

