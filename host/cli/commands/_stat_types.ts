// What `numabind stat` reports: shared by its reading (stat.ts) and its text (_numastat_text.ts).

/** One row of a per-node table: a counter, a meminfo field or a kind of process memory. */
export interface StatRow {
  /** The kernel's name ("numa_hit", "MemFree"), or "huge", "heap", "stack", "private", "total". */
  name: string;
  /** One value per node, in StatReport.nodes order. */
  perNode: number[];
  total: number;
}

/** A per-node table; every number is in `unit`, unrounded. */
export interface StatTable {
  /** "pages": the kernel's counters as they are; "MiB": numastat's MBs (2^20 bytes). */
  unit: "pages" | "MiB";
  rows: StatRow[];
}

/** How much memory one process has on each node, in numastat -p's categories (MiB). */
export interface ProcessUsage {
  pid: number;
  /** Its command name (/proc/PID/comm). */
  name: string;
  unit: "MiB";
  /** huge (hugetlb), heap, stack and private (every other mapping, files included). */
  rows: StatRow[];
  total: StatRow;
}

/** What `numabind stat` reports; a section is present when its option asked for it. */
export interface StatReport {
  /** Node ids, the column order of every table. */
  nodes: number[];
  /** Base page size in bytes: the counters count pages of this size. */
  pageSize: number;
  processes?: ProcessUsage[];
  meminfo?: StatTable;
  counters?: StatTable;
}

/** What to show: numastat's -p, -m and -n. */
export interface StatOptions {
  /** Process ids or patterns matched against names and command lines. */
  processes: string[];
  meminfo: boolean;
  /** The counters in MiB, as numastat -n prints them. */
  countersInMiB: boolean;
}
