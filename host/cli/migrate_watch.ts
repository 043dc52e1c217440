/** Running migrate_pages for `numabind migrate`: plainly, or in a child process under a progress bar. */
import { spawn } from "node:child_process";
import { extname } from "node:path";
import { fileURLToPath } from "node:url";
import type { Nodemask, Numabind } from "../mod.ts";
import type { CliIo } from "./io.ts";
import { type PagesPerNode, pagesLeft, pagesOn, pagesPerNode } from "./migrate_counts.ts";
import { progressBar } from "./progress.ts";

/**
 * How often the bar reads /proc/PID/numa_maps (ms): reading it walks the process's page
 * tables, so not much more often than a bar can show a change.
 * @example Basic usage
 * ```ts
 * expect(POLL_MS).toBe(200);
 * ```
 */
export const POLL_MS = 200;

/** What one migration asks for, with the counts it starts from. */
export interface Migration {
  pid: number;
  from: Nodemask;
  to: Nodemask;
  /** Pages per node before, from numa_maps, keyed by every node in `nodes`. */
  before: PagesPerNode;
  /** Node ids every count has a key for (the configured nodes). */
  nodes: readonly number[];
  /** The FROM nodes the kernel empties (movingNodes): the bar counts pages leaving them. */
  moving: readonly number[];
}

/** What the kernel answered, and the counts afterwards. */
export interface MigrationOutcome {
  notMoved: number;
  /** Milliseconds migrate_pages took. */
  ms: number;
  after: PagesPerNode;
}

/**
 * Runs migrate_pages and reads the counts afterwards. Without a terminal on stderr it is one
 * synchronous call; with one, the call runs in a child process (migrate_child.ts) while this
 * thread reads numa_maps every POLL_MS and advances a bar by the pages that have left the
 * moving nodes. From TypeScript sources (Node 20 cannot start a .ts child) the bar is drawn
 * around the plain call.
 * @throws the API's NumaError, or for the child an Error with the same message and code
 * @example Basic usage
 * ```ts
 * const io = { out: () => {}, err: () => {}, errIsTTY: false };
 * const m = { pid: process.pid, from: Nodemask.of(0), to: Nodemask.of(0), before: { 0: 1 }, nodes: [0], moving: [] };
 * expect((await runMigration(numabind, io, m)).notMoved).toBe(0);
 * ```
 */
export async function runMigration(nb: Numabind, io: CliIo, m: Migration): Promise<MigrationOutcome> {
  const counts = (): PagesPerNode => pagesPerNode(nb.numaMaps(m.pid), m.nodes);
  const script = io.errIsTTY ? childScript() : undefined;
  const bar = progressBar(io, pagesOn(m.before, m.moving), `migrating pages of pid ${m.pid}`);
  let timer: ReturnType<typeof setInterval> | undefined;
  try {
    let r: { notMoved: number; ms: number };
    if (script === undefined) {
      const t0 = performance.now();
      r = { notMoved: nb.migratePages(m.pid, m.from, m.to), ms: 0 };
      r.ms = performance.now() - t0;
    } else {
      timer = setInterval(() => {
        try {
          bar.update(pagesLeft(m.before, counts(), m.moving));
        } catch {
          // The process may exit mid-migration; the child's answer says so.
        }
      }, POLL_MS);
      r = await inChild(script, m);
    }
    const after = counts();
    bar.update(pagesLeft(m.before, after, m.moving));
    return { ...r, after };
  } finally {
    clearInterval(timer);
    bar.stop();
  }
}

/** The child's entry next to this module, when this module is the built JavaScript. */
function childScript(): string | undefined {
  const ext = extname(fileURLToPath(import.meta.url));
  return ext === ".js" ? fileURLToPath(new URL(`./migrate_child${ext}`, import.meta.url)) : undefined;
}

/** Runs migrate_child and reads its one JSON line. */
function inChild(script: string, m: Migration): Promise<{ notMoved: number; ms: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, String(m.pid), m.from.toList(), m.to.toList()], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "", err = "";
    child.stdout.on("data", (d: Buffer) => { out += d.toString(); });
    child.stderr.on("data", (d: Buffer) => { err += d.toString(); });
    child.once("error", (e) => reject(new Error(`cannot start the migration process (${process.execPath}): ${e.message}`)));
    child.once("close", (code, signal) => {
      let r: { notMoved?: number; ms?: number; error?: string; code?: string } | undefined;
      try {
        r = JSON.parse(out.trim().split("\n").pop() ?? "") as typeof r;
      } catch {
        r = undefined;
      }
      if (r?.error !== undefined) reject(Object.assign(new Error(r.error), { code: r.code }));
      else if (r && typeof r.notMoved === "number") resolve({ notMoved: r.notMoved, ms: r.ms ?? 0 });
      else {
        const last = err.trim().split("\n").filter(Boolean).pop() ?? "no output";
        reject(new Error(`the migration process ended (${signal ?? `status ${code}`}) without an answer: ${last}; run again without a terminal on stderr (2>file) to migrate in this process`));
      }
    });
  });
}
