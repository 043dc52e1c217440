// Migration throughput: move_pages over one buffer (the public movePages, a few chunk sizes)
// and migrate_pages of the whole process (the public migratePages). With several memory nodes
// pages go from the first to the second and back; on one node from it to itself, where
// nothing moves and the figures are the cost of the calls (still reported, as such).
import { median } from "simple-statistics";
import { alloc, free, migratePages, movePages, numabind, numaMaps, topology } from "../mod.ts";
import { onNode } from "./_pinned.ts";
import type { Steps } from "./_progress.ts";
import type { CKernels } from "./kernels.ts";
import { jsWrite } from "./js_kernels.ts";
import type { BenchPlan } from "./options.ts";
import type { BenchMigration, MigratePagesRow, MovePagesRow } from "./report_schema.ts";
import { mbPerSec, summarize } from "./statistics.ts";

const elapsedNs = (fn: () => void): number => {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0);
};

/**
 * Resident pages of this process on `node`, from numa_maps (every mapping, ours or not: the
 * set migrate_pages works on).
 * @example Basic usage
 * ```ts
 * assert(processPagesOn(0) > 0);
 * ```
 */
export function processPagesOn(node: number): number {
  return numaMaps().reduce((s, e) => s + (e.pagesPerNode[node] ?? 0), 0);
}

/**
 * The steps runMigration() reports, for onProgress.
 * @example Basic usage
 * ```ts
 * assert(migrationSteps(plan) === plan.chunkPages.length + 1);
 * ```
 */
export function migrationSteps(plan: BenchPlan): number {
  return plan.chunkPages.length + 1;
}

/**
 * Runs the migration cases with this thread on `cpuNode`.
 * @param memNodes the nodes with memory; the first is `from`, the second (if any) `to`
 * @example Basic usage
 * ```ts
 * const m = await runMigration(plan, 0, [0], kernels, steps(4));
 * assert(m.movePages.every((r) => r.from === 0 && r.to === 0));
 * ```
 */
export async function runMigration(plan: BenchPlan, cpuNode: number, memNodes: readonly number[], kernels: CKernels | undefined,
  s: Steps): Promise<BenchMigration> {
  const from = memNodes[0]!, to = memNodes[1] ?? from;
  const page = topology().pageSize;
  return onNode(cpuNode, async () => {
    // Bound to `from` for the first touch only: move_pages and migrate_pages place pages on
    // the node they are given, whatever the mapping's policy.
    const buf = alloc(plan.migrateBytes, { mode: "bind", nodes: [from] });
    try {
      const doubles = new Float64Array(buf, 0, Math.floor(plan.migrateBytes / 8));
      if (kernels) kernels.write(Number(numabind.backend.addressOf(new Uint8Array(buf))), doubles.length, 1);
      else jsWrite(doubles, 1);
      const movePagesRows: MovePagesRow[] = [];
      for (const chunkPages of plan.chunkPages) {
        movePagesRows.push(...await s.run(`move_pages, ${chunkPages} pages per call`, () => moveCase(buf, from, to, chunkPages, plan.migrateRepeats, page)));
      }
      const migrateRows = await s.run("migrate_pages of the whole process", () => migrateCase(from, to, plan.migrateRepeats, page));
      return { movePages: movePagesRows, migratePages: migrateRows };
    } finally {
      free(buf);
    }
  });
}

/** `repeats` moves from -> to (and, with two nodes, back), each timed; pages = those found on the target after the call. */
function moveCase(buf: ArrayBuffer, from: number, to: number, chunkPages: number, repeats: number, page: number): MovePagesRow[] {
  const dirs = from === to ? [[from, to]] : [[from, to], [to, from]];
  const samples = dirs.map(() => [] as number[]);
  const landed = dirs.map(() => 0);
  for (let r = 0; r < repeats; r++) {
    dirs.forEach(([, dst], d) => {
      let status: Int32Array = new Int32Array(0);
      const ns = elapsedNs(() => { status = movePages(buf, dst!, { chunkPages }); });
      landed[d] = status.reduce((n, x) => n + (x === dst ? 1 : 0), 0);
      samples[d]!.push(mbPerSec(landed[d]! * page, ns));
    });
  }
  return dirs.map(([src, dst], d) => ({ chunkPages, pages: landed[d]!, from: src!, to: dst!, mbPerSec: summarize(samples[d]!, "MB/s") }));
}

/**
 * `repeats` whole-process migrations from -> to (and back, with two nodes). Between two nodes,
 * pages = those that left `from` (numa_maps before and after); on one node nothing can move,
 * and pages = the process's resident pages on the node, the set the call has to consider.
 */
function migrateCase(from: number, to: number, repeats: number, page: number): MigratePagesRow[] {
  const dirs = from === to ? [[from, to]] : [[from, to], [to, from]];
  const samples = dirs.map(() => [] as number[]);
  const pages = dirs.map(() => [] as number[]);
  for (let r = 0; r < repeats; r++) {
    dirs.forEach(([src, dst], d) => {
      const before = processPagesOn(src!);
      const ns = elapsedNs(() => { migratePages(0, [src!], [dst!]); });
      const moved = src === dst ? before : Math.max(0, before - processPagesOn(src!));
      pages[d]!.push(moved);
      samples[d]!.push(mbPerSec(moved * page, ns));
    });
  }
  return dirs.map(([src, dst], d) => ({
    pages: Math.round(median(pages[d]!)), from: [src!], to: [dst!], mbPerSec: summarize(samples[d]!, "MB/s"),
  }));
}
