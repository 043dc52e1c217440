// The placement matrix, as STREAM and Intel MLC's latency/bandwidth matrix measure it: for each
// CPU node i (this thread pinned with runOnNodes) and memory node j (three arrays bound to j
// and first touched by the pinned thread), read, write and triad bandwidth, and the latency of
// a dependent load over a random cycle of cache lines; the same bandwidth kernels in JS as a
// ratio to C; and where the pages really are, read back from the kernel after the cell.
import { allocArrays, cStream, freeArrays, jsStream, runRepeats, touchArrays, type StreamArrays } from "./_arrays.ts";
import { onNode } from "./_pinned.ts";
import type { Steps } from "./_progress.ts";
import { seededRandom } from "./_random.ts";
import { warmJsKernels } from "./js_kernels.ts";
import type { CKernels } from "./kernels.ts";
import type { BenchPlan } from "./options.ts";
import { checkPlacement } from "./placement_check.ts";
import { residentPages } from "./placement_read.ts";
import type { BenchMatrix, MatrixCell, Stat } from "./report_schema.ts";
import { emptyStat, ratioOf, summarize } from "./statistics.ts";

/** A chase slot: one cache line, as in native/bench/kernels.c. */
const SLOT_BYTES = 64;
/** Seeds: fixed, so that every run chases the same cycle from the same starts. */
const CHASE_SEED = 0x5eed, START_SEED = 0x57a7;
/**
 * Steps per cell, for onProgress: first touch, C kernels, JS kernels, latency.
 * @example Basic usage
 * ```ts
 * const total = cpuNodes.length * memNodes.length * CELL_STEPS;
 * assert(total % 4 === 0);
 * ```
 */
export const CELL_STEPS = 4;

/**
 * Runs the matrix over `cpuNodes` x `memNodes`, one cell at a time, each cell's arrays freed
 * before the next is allocated.
 * @param kernels the C kernels, or undefined when they are unavailable (C figures are then empty)
 * @example Basic usage
 * ```ts
 * const m = await runMatrix(plan, [0], [0], kernels, steps(4));
 * assert(m.cells[0]!.placement.ok);
 * ```
 */
export async function runMatrix(plan: BenchPlan, cpuNodes: readonly number[], memNodes: readonly number[],
  kernels: CKernels | undefined, s: Steps): Promise<BenchMatrix> {
  warmJsKernels();
  const cells: MatrixCell[] = [];
  for (const i of cpuNodes) for (const j of memNodes) cells.push(await onNode(i, () => runCell(plan, i, j, kernels, s)));
  return {
    arrayBytes: plan.arrayBytes, followsStreamRule: plan.followsStreamRule, repeats: plan.repeats,
    cpuNodes: [...cpuNodes], memNodes: [...memNodes], cells,
  };
}

async function runCell(plan: BenchPlan, cpuNode: number, memNode: number, k: CKernels | undefined, s: Steps): Promise<MatrixCell> {
  const at = `matrix cpu ${cpuNode} x mem ${memNode}`;
  const a = await s.run(`${at}: allocating and touching 3 x ${(plan.arrayBytes / 2 ** 20).toFixed(0)} MiB`, () => {
    const arrays = allocArrays(plan.arrayBytes, { mode: "bind", nodes: [memNode] });
    try {
      touchArrays(arrays, k);
    } catch (e) {
      freeArrays(arrays);
      throw e;
    }
    return arrays;
  });
  try {
    const c = await s.run(`${at}: C kernels`, () => (k ? runRepeats(a, cStream(k), ["read", "write", "triad"], plan.repeats) : undefined));
    const js = await s.run(`${at}: JS kernels`, () => runRepeats(a, jsStream, ["read", "write", "triad"], plan.repeats));
    const latency = await s.run(`${at}: dependent-load latency`, () => (k ? chaseLatency(a, k, plan) : emptyStat("ns")));
    // After the kernels, so that the count covers every page they touched.
    const found = residentPages(a.buffers);
    const check = checkPlacement(found.pagesPerNode, { nodes: [memNode], spread: false });
    const cStat = (xs: number[] | undefined): Stat => (xs ? summarize(xs, "MB/s") : emptyStat("MB/s"));
    const cell: MatrixCell = {
      cpuNode, memNode,
      placement: { ok: check.ok, pages: found.pages, pagesPerNode: found.pagesPerNode, ...(check.reason ? { reason: check.reason } : {}) },
      c: { read: cStat(c?.read), write: cStat(c?.write), triad: cStat(c?.triad), latency },
      js: { read: summarize(js.read, "MB/s"), write: summarize(js.write, "MB/s"), triad: summarize(js.triad, "MB/s") },
      jsToC: { read: 0, write: 0, triad: 0 },
    };
    for (const key of ["read", "write", "triad"] as const) cell.jsToC[key] = ratioOf(cell.js[key].best, cell.c[key].best);
    return cell;
  } finally {
    freeArrays(a);
  }
}

/**
 * ns per dependent load: the first array's cache lines linked into one random cycle
 * (overwriting its doubles, which the bandwidth kernels are done with), walked `repeats`
 * times from seeded random starts so that each walk covers a different stretch of it.
 */
function chaseLatency(a: StreamArrays, k: CKernels, plan: BenchPlan): Stat {
  const slots = Math.floor(a.bytes / SLOT_BYTES);
  k.chaseBuild(a.addr[0], slots, CHASE_SEED);
  const random = seededRandom(START_SEED);
  const samples: number[] = [];
  for (let r = 0; r < plan.repeats; r++) {
    const start = a.addr[0] + Math.floor(random() * slots) * SLOT_BYTES;
    samples.push(k.chaseWalk(start, plan.chaseLoads) / plan.chaseLoads);
  }
  return summarize(samples, "ns");
}
