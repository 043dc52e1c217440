// `--compare a.json b.json`: every figure both runs measured, matched by what it measures
// (cell, row name, chunk size, batch size), as the ratio of medians b/a.
import type { BenchReport, Stat } from "../report_schema.ts";
import { nodeRanges } from "./_format.ts";

/**
 * One figure in both runs: its stats in a and b, the ratio of medians b/a, and the range that
 * ratio can take inside both runs' quartiles ([b.p25 / a.p75, b.p75 / a.p25]).
 * @example Basic usage
 * ```ts
 * const f = compareReports(a, b).figures.find((x) => x.key === "matrix/0/0/c.read")!;
 * expect(f.ratio).toBeCloseTo(f.b.median / f.a.median);
 * ```
 */
export interface FigureRatio {
  /** Where the figure lives; the comparison charts group by it. */
  section: "matrix" | "matrix js" | "policies" | "migration" | "binding";
  /** Stable across runs: "matrix/1/2/c.triad", "policies/bind:1/read", "migration/move_pages/0-1/64". */
  key: string;
  label: string;
  unit: Stat["unit"];
  /** MB/s: higher is better; ns, µs and ratios to the C loop: lower is better. */
  higherIsBetter: boolean;
  a: Stat;
  b: Stat;
  /** b.median / a.median; null when a's median is 0 (no ratio exists). */
  ratio: number | null;
  /** [b.p25 / a.p75, b.p75 / a.p25], or null with the ratio. */
  spread: [number, number] | null;
}

/**
 * What compareReports() returns: the figures in both runs, and the keys only one run has.
 * @example Basic usage
 * ```ts
 * const cmp = compareReports(a, a);
 * expect(cmp.figures.every((f) => f.ratio === 1)).toBe(true);
 * ```
 */
export interface ReportComparison {
  a: { startedAt: string; kernel: string; nodes: number };
  b: { startedAt: string; kernel: string; nodes: number };
  figures: FigureRatio[];
  onlyInA: string[];
  onlyInB: string[];
}

type Entry = Omit<FigureRatio, "a" | "b" | "ratio" | "spread" | "higherIsBetter"> & { stat: Stat };

/** Every figure of one report, keyed; skipped policy rows measured nothing and have none. */
function entries(r: BenchReport): Entry[] {
  const out: Entry[] = [];
  const add = (section: Entry["section"], key: string, label: string, stat: Stat) => out.push({ section, key, label, unit: stat.unit, stat });
  for (const c of r.matrix.cells) {
    const at = `CPU ${c.cpuNode} × mem ${c.memNode}`;
    for (const k of ["read", "write", "triad", "latency"] as const) add("matrix", `matrix/${c.cpuNode}/${c.memNode}/c.${k}`, `${at} C ${k}`, c.c[k]);
    for (const k of ["read", "write", "triad"] as const) add("matrix js", `matrix/${c.cpuNode}/${c.memNode}/js.${k}`, `${at} JS ${k}`, c.js[k]);
  }
  for (const row of r.policies.rows) {
    if (row.skipped !== undefined) continue;
    for (const k of ["read", "triad"] as const) add("policies", `policies/${row.name}/${k}`, `${row.name} ${k}`, row[k]);
  }
  for (const m of r.migration.movePages) add("migration", `migration/move_pages/${m.from}-${m.to}/${m.chunkPages}`, `move_pages ${m.from}→${m.to}, ${m.chunkPages} pages/call`, m.mbPerSec);
  for (const m of r.migration.migratePages) {
    const pair = `${nodeRanges(m.from)}→${nodeRanges(m.to)}`;
    add("migration", `migration/migrate_pages/${pair}`, `migrate_pages ${pair}`, m.mbPerSec);
  }
  const b = r.binding;
  add("binding", "binding/bindToCLoop", "bind() / C loop", b.bindToCLoop);
  add("binding", "binding/bindBatchToCLoop", "bindBatch / C loop", b.bindBatchToCLoop);
  add("binding", "binding/planUsPerRange", "plan µs per range", b.planUsPerRange);
  for (const s of b.batchSizes) {
    add("binding", `binding/batch/${s.requests}/bindBatchUs`, `bindBatch, ${s.requests} requests`, s.bindBatchUs);
    add("binding", `binding/batch/${s.requests}/cLoopUs`, `C loop, ${s.requests} requests`, s.cLoopUs);
  }
  return out;
}

const head = (r: BenchReport) => ({ startedAt: r.startedAt, kernel: r.environment.kernel, nodes: r.environment.nodes.length });

/**
 * Lists each figure both reports measured with the ratio b/a of their medians (matrix cells
 * in C and JS, policy rows, migration, binding), in a's order, and the keys only one has.
 * @param a the baseline run
 * @param b the run compared with it
 * @example Basic usage
 * ```ts
 * import { compareReports } from "./mod.ts";
 * const b = structuredClone(a);
 * b.binding.bindToCLoop.median *= 2;
 * expect(compareReports(a, b).figures.find((f) => f.key === "binding/bindToCLoop")!.ratio).toBeCloseTo(2);
 * ```
 */
export function compareReports(a: BenchReport, b: BenchReport): ReportComparison {
  const inB = new Map(entries(b).map((e) => [e.key, e]));
  const ea = entries(a);
  const inA = new Set(ea.map((e) => e.key));
  const figures: FigureRatio[] = [];
  for (const x of ea) {
    const y = inB.get(x.key);
    if (!y) continue;
    const ok = x.stat.median > 0 && x.stat.p25 > 0;
    figures.push({
      section: x.section, key: x.key, label: x.label, unit: x.unit, higherIsBetter: x.unit === "MB/s", a: x.stat, b: y.stat,
      ratio: x.stat.median > 0 ? y.stat.median / x.stat.median : null,
      spread: ok ? [y.stat.p25 / x.stat.p75, y.stat.p75 / x.stat.p25] : null,
    });
  }
  return {
    a: head(a), b: head(b), figures,
    onlyInA: ea.filter((e) => !inB.has(e.key)).map((e) => e.key),
    onlyInB: [...inB.keys()].filter((k) => !inA.has(k)),
  };
}
