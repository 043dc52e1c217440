// The report of `numabind bench`, schema "numabind-bench/1": the contract between the measuring
// side (runBench, this folder) and the report side (host/bench/report/). The shapes are the
// ones of the shared schema, with the inline parts given names so that both sides can type
// their helpers; a change here is a change of the schema id.

/**
 * The schema id every report carries.
 * @example Basic usage
 * ```ts
 * assert((await runBench({ quick: true })).schema === BENCH_SCHEMA);
 * ```
 */
export const BENCH_SCHEMA = "numabind-bench/1" as const;

/**
 * Every measured figure: N samples reduced. For bandwidth `best` is the highest sample, for
 * latency, time and ratios the lowest. A figure that could not be measured has `n: 0` and
 * zeros everywhere.
 * @example Basic usage
 * ```ts
 * const s: Stat = summarize([100, 120, 110], "MB/s");
 * assert(s.best === 120 && s.median === 110 && s.n === 3);
 * ```
 */
export interface Stat {
  unit: "MB/s" | "ns" | "us" | "ratio";
  n: number;
  best: number;
  median: number;
  min: number;
  max: number;
  p25: number;
  p75: number;
}

/**
 * The machine and the software the figures come from.
 * @example Basic usage
 * ```ts
 * const env: BenchEnvironment = readEnvironment();
 * assert(env.nodes.length === env.distances.length);
 * ```
 */
export interface BenchEnvironment {
  /** uname release. */
  kernel: string;
  /** /proc/cpuinfo "model name". */
  cpuModel: string;
  /** Online CPUs. */
  cpus: number;
  nodes: { id: number; cpus: number[]; memTotalBytes: number; hasMemory: boolean }[];
  /** distances[i][j] in `nodes` order. */
  distances: number[][];
  /** cpu0's caches, from sysfs. */
  caches: { level: number; type: string; sizeBytes: number }[];
  llcBytes: number;
  pageSize: number;
  versions: { numabind: string; node: string; v8: string };
  /** available().backend */
  backend: string;
  path: "shim" | "syscall";
}

/**
 * Where a matrix cell's pages were found, read back from the kernel after the run.
 * @example Basic usage
 * ```ts
 * const p: CellPlacement = { ok: true, pages: 512, pagesPerNode: { "0": 512 } };
 * assert(p.pagesPerNode["0"] === p.pages);
 * ```
 */
export interface CellPlacement { ok: boolean; pages: number; pagesPerNode: Record<string, number>; reason?: string }

/**
 * One cell of the placement matrix: the thread on CPU node `cpuNode`, the arrays on `memNode`.
 * @example Basic usage
 * ```ts
 * const cell: MatrixCell = report.matrix.cells[0]!;
 * assert(cell.jsToC.triad === cell.js.triad.best / cell.c.triad.best);
 * ```
 */
export interface MatrixCell {
  cpuNode: number;
  memNode: number;
  /** Pages found where asked, read back from the kernel (numa_maps / move_pages query) after the run. */
  placement: CellPlacement;
  /** MB/s, MB/s, MB/s, ns per load. */
  c: { read: Stat; write: Stat; triad: Stat; latency: Stat };
  /** The same kernels in JS, MB/s. */
  js: { read: Stat; write: Stat; triad: Stat };
  /** js.best / c.best, same run (0 when the C kernels are unavailable). */
  jsToC: { read: number; write: number; triad: number };
}

/**
 * STREAM-style placement matrix: CPU node i (thread pinned with runOnNodes) x memory node j
 * (alloc bound to j).
 * @example Basic usage
 * ```ts
 * const m: BenchMatrix = report.matrix;
 * assert(m.cells.length === m.cpuNodes.length * m.memNodes.length);
 * ```
 */
export interface BenchMatrix {
  /** Bytes per array (triad uses three). */
  arrayBytes: number;
  /** arrayBytes >= 4 * llcBytes */
  followsStreamRule: boolean;
  repeats: number;
  cpuNodes: number[];
  memNodes: number[];
  cells: MatrixCell[];
}

/**
 * Where a policy row's pages landed: pages per node from numa_maps, and the numa_hit /
 * numa_miss deltas per node (nodeN/numastat) over the row's first touch.
 * @example Basic usage
 * ```ts
 * const p: RowPlacement = report.policies.rows[0]!.placement;
 * assert(typeof p.ok === "boolean");
 * ```
 */
export interface RowPlacement {
  ok: boolean;
  pagesPerNode: Record<string, number>;
  numaHit: Record<string, number>;
  numaMiss: Record<string, number>;
  reason?: string;
}

/**
 * One numademo-style row: one policy, the thread on `cpuNode`.
 * @example Basic usage
 * ```ts
 * const row: PolicyRow = report.policies.rows.find((r) => r.name === "local")!;
 * assert(row.expect.nodes[0] === row.cpuNode);
 * ```
 */
export interface PolicyRow {
  /** "no policy", "local", "bind:1", "interleave all", "weighted-interleave all", "preferred right", "preferred wrong", "preferred-many right", "preferred-many wrong" */
  name: string;
  policy: { mode: string; nodes?: number[] } | null;
  cpuNode: number;
  /** Where pages must be (spread: over all of them, e.g. interleave). */
  expect: { nodes: number[]; spread: boolean };
  read: Stat;
  triad: Stat;
  placement: RowPlacement;
  /** Why the row did not run (e.g. "weighted-interleave needs Linux 6.9"). */
  skipped?: string;
}

/**
 * The numademo-style policy rows.
 * @example Basic usage
 * ```ts
 * const p: BenchPolicies = report.policies;
 * assert(p.arrayBytes > 0);
 * ```
 */
export interface BenchPolicies { arrayBytes: number; rows: PolicyRow[] }

/**
 * One move_pages case: `pages` pages from node `from` to node `to`, `chunkPages` per call.
 * @example Basic usage
 * ```ts
 * const m: MovePagesRow = report.migration.movePages[0]!;
 * assert(m.mbPerSec.unit === "MB/s");
 * ```
 */
export interface MovePagesRow { chunkPages: number; pages: number; from: number; to: number; mbPerSec: Stat }

/**
 * One migrate_pages case: the process's pages on `from` to `to`.
 * @example Basic usage
 * ```ts
 * const m: MigratePagesRow = report.migration.migratePages[0]!;
 * assert(m.from.length === m.to.length);
 * ```
 */
export interface MigratePagesRow { pages: number; from: number[]; to: number[]; mbPerSec: Stat }

/**
 * Migration throughput.
 * @example Basic usage
 * ```ts
 * const m: BenchMigration = report.migration;
 * assert(m.movePages.length > 0);
 * ```
 */
export interface BenchMigration { movePages: MovePagesRow[]; migratePages: MigratePagesRow[] }

/**
 * Cost against batch size: one bindBatch() and the C loop of the same mbind calls, µs each.
 * @example Basic usage
 * ```ts
 * const b: BatchSizeRow = report.binding.batchSizes[0]!;
 * assert(b.cLoopUs.unit === "us");
 * ```
 */
export interface BatchSizeRow { requests: number; bindBatchUs: Stat; cLoopUs: Stat }

/**
 * The binding suite as ratios against a C loop of the same mbind calls in the same run.
 * @example Basic usage
 * ```ts
 * const b: BenchBinding = report.binding;
 * assert(b.bindBatchToCLoop.unit === "ratio");
 * ```
 */
export interface BenchBinding {
  /** Single bind() / C loop, per call. */
  bindToCLoop: Stat;
  /** bindBatch / C loop. */
  bindBatchToCLoop: Stat;
  planUsPerRange: Stat;
  /** Cost against batch size. */
  batchSizes: BatchSizeRow[];
}

/**
 * What runBench() returns: schema "numabind-bench/1".
 * @example Basic usage
 * ```ts
 * const report: BenchReport = await runBench({ quick: true });
 * assert(report.schema === BENCH_SCHEMA);
 * ```
 */
export interface BenchReport {
  schema: typeof BENCH_SCHEMA;
  quick: boolean;
  /** ISO time. */
  startedAt: string;
  durationMs: number;
  environment: BenchEnvironment;
  matrix: BenchMatrix;
  policies: BenchPolicies;
  migration: BenchMigration;
  binding: BenchBinding;
}
