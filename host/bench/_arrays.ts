// The three STREAM arrays of a matrix cell or a policy row: allocated with one policy, touched
// by the calling thread, measured by the C or the JS kernels, freed.
import { alloc, free, numabind, type Policy } from "../mod.ts";
import { jsRead, jsTriad, jsWrite } from "./js_kernels.ts";
import type { CKernels } from "./kernels.ts";
import { mbPerSec } from "./statistics.ts";

/** STREAM's triad scalar. */
const SCALAR = 3;

/**
 * Three arrays of `bytes` each, with their addresses and views.
 * @example Basic usage
 * ```ts
 * const a: StreamArrays = allocArrays(1 << 20, { mode: "default" });
 * assert(a.views[0].length === a.n);
 * ```
 */
export interface StreamArrays {
  bytes: number;
  /** Doubles per array. */
  n: number;
  buffers: [ArrayBuffer, ArrayBuffer, ArrayBuffer];
  addr: [number, number, number];
  views: [Float64Array, Float64Array, Float64Array];
}

/**
 * Allocates three arrays of `bytes` with `policy` (nothing touched yet). If an allocation
 * fails, the ones before it are freed.
 * @example Basic usage
 * ```ts
 * const a = allocArrays(1 << 20, { mode: "bind", nodes: [0] });
 * assert(a.n === 1 << 17);
 * freeArrays(a);
 * ```
 */
export function allocArrays(bytes: number, policy: Policy): StreamArrays {
  const buffers: ArrayBuffer[] = [];
  try {
    for (let i = 0; i < 3; i++) buffers.push(alloc(bytes, policy));
  } catch (e) {
    for (const b of buffers) free(b);
    throw e;
  }
  const bs = buffers as StreamArrays["buffers"];
  return {
    bytes, n: Math.floor(bytes / 8), buffers: bs,
    addr: bs.map((b) => Number(numabind.backend.addressOf(new Uint8Array(b)))) as StreamArrays["addr"],
    views: bs.map((b) => new Float64Array(b, 0, Math.floor(bytes / 8))) as StreamArrays["views"],
  };
}

/**
 * Frees the arrays' pages at once (free()).
 * @example Basic usage
 * ```ts
 * const a = allocArrays(1 << 20, { mode: "default" });
 * freeArrays(a);
 * assert(isFreed(a.buffers[0]));
 * ```
 */
export function freeArrays(a: StreamArrays): void {
  for (const b of a.buffers) free(b);
}

/**
 * First touch, by the calling thread: every page is written, so each lands where the policy
 * and this thread's node say. Through the C write kernel where there is one.
 * @returns elapsed ns
 * @example Basic usage
 * ```ts
 * assert(touchArrays(allocArrays(1 << 20, { mode: "default" })) > 0);
 * ```
 */
export function touchArrays(a: StreamArrays, k?: CKernels): number {
  let ns = 0;
  a.views.forEach((v, i) => { ns += k ? k.write(a.addr[i]!, a.n, i) : jsWrite(v, i); });
  return ns;
}

/**
 * One kernel: MB/s of one run (STREAM's bytes: read 1 array, write 1, triad 3).
 * @example Basic usage
 * ```ts
 * const k: StreamKernel = jsStream.triad;
 * assert(k(arrays) > 0);
 * ```
 */
export type StreamKernel = (a: StreamArrays) => number;

/**
 * The C kernels as StreamKernels.
 * @example Basic usage
 * ```ts
 * const k = openKernels();
 * if (k.ok) assert(cStream(k.kernels).read(arrays) > 0);
 * ```
 */
export function cStream(k: CKernels): { read: StreamKernel; write: StreamKernel; triad: StreamKernel } {
  return {
    read: (a) => mbPerSec(a.n * 8, k.read(a.addr[0], a.n)),
    write: (a) => mbPerSec(a.n * 8, k.write(a.addr[0], a.n, SCALAR)),
    triad: (a) => mbPerSec(3 * a.n * 8, k.triad(a.addr[0], a.addr[1], a.addr[2], a.n, SCALAR)),
  };
}

/**
 * The JS kernels as StreamKernels.
 * @example Basic usage
 * ```ts
 * assert(jsStream.read(arrays) > 0);
 * ```
 */
export const jsStream: { read: StreamKernel; write: StreamKernel; triad: StreamKernel } = {
  read: (a) => mbPerSec(a.n * 8, jsRead(a.views[0])),
  write: (a) => mbPerSec(a.n * 8, jsWrite(a.views[0], SCALAR)),
  triad: (a) => mbPerSec(3 * a.n * 8, jsTriad(a.views[0], a.views[1], a.views[2], SCALAR)),
};

/**
 * `repeats` runs of the named kernels, interleaved as STREAM runs them (each repeat runs every
 * kernel once, in order), as samples per kernel.
 * @example Basic usage
 * ```ts
 * const s = runRepeats(arrays, jsStream, ["read", "triad"], 3);
 * assert(s.read.length === 3);
 * ```
 */
export function runRepeats<K extends string>(a: StreamArrays, kernels: Record<K, StreamKernel>, names: readonly K[], repeats: number): Record<K, number[]> {
  const out = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<K, number[]>;
  for (let r = 0; r < repeats; r++) for (const n of names) out[n].push(kernels[n](a));
  return out;
}
