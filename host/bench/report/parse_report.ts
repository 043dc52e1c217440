// `--report`/`--compare` inputs come from files: check the whole "numabind-bench/1" shape
// before rendering, and name the first field that is wrong, so the CLI can print one line.
import { BENCH_SCHEMA, type BenchReport, type Stat } from "../report_schema.ts";

/**
 * The error parseReport() throws: `field` is the path of the first wrong field, such as
 * "matrix.cells[3].c.read.median".
 * @example Basic usage
 * ```ts
 * const e = new ReportShapeError("quick", "a boolean", "yes");
 * expect(e.message).toBe('Cannot read bench report: quick must be a boolean, current value is "yes"');
 * ```
 */
export class ReportShapeError extends TypeError {
  /** The path of the wrong field, "" for the document itself. */
  readonly field: string;
  constructor(field: string, expected: string, value: unknown) {
    const what = field || "the document";
    super(value === undefined ? `Cannot read bench report: ${what} is missing (must be ${expected})` : `Cannot read bench report: ${what} must be ${expected}, current value is ${describe(value)}`);
    this.name = "ReportShapeError";
    this.field = field;
  }
}

/** A value in a few characters, for the error message. */
function describe(v: unknown): string {
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (v === null) return "null";
  if (typeof v === "object") return "an object";
  const s = typeof v === "string" ? JSON.stringify(v) : String(v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

type Obj = Record<string, unknown>;
const join = (p: string, k: string): string => (p ? `${p}.${k}` : k);

function object(v: unknown, p: string): Obj {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new ReportShapeError(p, "an object", v);
  return v as Obj;
}
function number(v: unknown, p: string): number {
  // JSON has no NaN or Infinity; a null here is what JSON.stringify made of one.
  if (typeof v !== "number" || !Number.isFinite(v)) throw new ReportShapeError(p, "a finite number", v);
  return v;
}
function string(v: unknown, p: string): string {
  if (typeof v !== "string") throw new ReportShapeError(p, "a string", v);
  return v;
}
function boolean(v: unknown, p: string): boolean {
  if (typeof v !== "boolean") throw new ReportShapeError(p, "a boolean", v);
  return v;
}
function array(v: unknown, p: string, each: (x: unknown, p: string) => unknown): unknown[] {
  if (!Array.isArray(v)) throw new ReportShapeError(p, "an array", v);
  v.forEach((x, i) => each(x, `${p}[${i}]`));
  return v;
}
function oneOf(v: unknown, p: string, options: readonly string[]): void {
  if (typeof v !== "string" || !options.includes(v)) throw new ReportShapeError(p, `one of ${options.map((o) => JSON.stringify(o)).join(", ")}`, v);
}
/** Checks `o`'s fields in order, each with its checker; `?` ends an optional field's name. */
function fields(v: unknown, p: string, spec: Record<string, (x: unknown, p: string) => unknown>): Obj {
  const o = object(v, p);
  for (const [key, check] of Object.entries(spec)) {
    const optional = key.endsWith("?"), name = optional ? key.slice(0, -1) : key;
    if (optional && o[name] === undefined) continue;
    check(o[name], join(p, name));
  }
  return o;
}
const numbers = (v: unknown, p: string) => array(v, p, number);
function counts(v: unknown, p: string): void {
  for (const [k, x] of Object.entries(object(v, p))) number(x, `${p}["${k}"]`);
}

const STAT_UNITS = ["MB/s", "ns", "us", "ratio"] as const;
function stat(v: unknown, p: string): Stat {
  return fields(v, p, {
    unit: (x, q) => oneOf(x, q, STAT_UNITS), n: number, best: number, median: number, min: number, max: number, p25: number, p75: number,
  }) as unknown as Stat;
}

const environment = (v: unknown, p: string) => fields(v, p, {
  kernel: string, cpuModel: string, cpus: number,
  nodes: (x, q) => array(x, q, (n, r) => fields(n, r, { id: number, cpus: numbers, memTotalBytes: number, hasMemory: boolean })),
  distances: (x, q) => array(x, q, numbers),
  caches: (x, q) => array(x, q, (c, r) => fields(c, r, { level: number, type: string, sizeBytes: number })),
  llcBytes: number, pageSize: number,
  versions: (x, q) => fields(x, q, { numabind: string, node: string, v8: string }),
  backend: string, path: (x, q) => oneOf(x, q, ["shim", "syscall"]),
});

const matrix = (v: unknown, p: string) => fields(v, p, {
  arrayBytes: number, followsStreamRule: boolean, repeats: number, cpuNodes: numbers, memNodes: numbers,
  cells: (x, q) => array(x, q, (c, r) => fields(c, r, {
    cpuNode: number, memNode: number,
    placement: (y, s) => fields(y, s, { ok: boolean, pages: number, pagesPerNode: counts, "reason?": string }),
    c: (y, s) => fields(y, s, { read: stat, write: stat, triad: stat, latency: stat }),
    js: (y, s) => fields(y, s, { read: stat, write: stat, triad: stat }),
    jsToC: (y, s) => fields(y, s, { read: number, write: number, triad: number }),
  })),
});

const policies = (v: unknown, p: string) => fields(v, p, {
  arrayBytes: number,
  rows: (x, q) => array(x, q, (r, s) => fields(r, s, {
    name: string,
    policy: (y, t) => (y === null ? null : fields(y, t, { mode: string, "nodes?": numbers })),
    cpuNode: number,
    expect: (y, t) => fields(y, t, { nodes: numbers, spread: boolean }),
    read: stat, triad: stat,
    placement: (y, t) => fields(y, t, { ok: boolean, pagesPerNode: counts, numaHit: counts, numaMiss: counts, "reason?": string }),
    "skipped?": string,
  })),
});

const migration = (v: unknown, p: string) => fields(v, p, {
  movePages: (x, q) => array(x, q, (m, r) => fields(m, r, { chunkPages: number, pages: number, from: number, to: number, mbPerSec: stat })),
  migratePages: (x, q) => array(x, q, (m, r) => fields(m, r, { pages: number, from: numbers, to: numbers, mbPerSec: stat })),
});

const binding = (v: unknown, p: string) => fields(v, p, {
  bindToCLoop: stat, bindBatchToCLoop: stat, planUsPerRange: stat,
  batchSizes: (x, q) => array(x, q, (b, r) => fields(b, r, { requests: number, bindBatchUs: stat, cLoopUs: stat })),
});

/**
 * Checks that parsed JSON is a "numabind-bench/1" report, field by field in schema order,
 * and returns it typed. Fields the schema does not name are left alone.
 * @param json the parsed file (JSON.parse's result)
 * @returns the same object, as a BenchReport
 * @throws ReportShapeError (a TypeError) naming the first wrong field, e.g.
 *   `Cannot read bench report: matrix.cells[0].c.read.median must be a finite number, current value is "fast"`
 * @example Basic usage
 * ```ts
 * import { parseReport } from "./mod.ts";
 * expect(() => parseReport({ schema: "numabind-bench/2" })).toThrow(/schema must be "numabind-bench\/1"/);
 * ```
 */
export function parseReport(json: unknown): BenchReport {
  return fields(json, "", {
    schema: (x, q) => { if (x !== BENCH_SCHEMA) throw new ReportShapeError(q, JSON.stringify(BENCH_SCHEMA), x); },
    quick: boolean, startedAt: string, durationMs: number,
    environment, matrix, policies, migration, binding,
  }) as unknown as BenchReport;
}
