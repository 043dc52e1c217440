// The C reference kernels (native/bench/kernels.c, built into build/libnumabind_bench.so by
// `node native/build.mjs`), called through ffi-rs. Arrays are passed as addresses
// (numabind.backend.addressOf): the kernels run over alloc() mappings, which never move, and
// a number argument costs ffi-rs far less than a buffer. Every kernel times itself inside C,
// so the FFI call around it is not counted.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { numabindPackage } from "./_package.ts";

type FfiRs = typeof import("ffi-rs");

/** The name ffi-rs knows the library by: unique, so that it never replaces another's. */
const LIBRARY = "numabind_bench_kernels";
const FILE = "libnumabind_bench.so";

/**
 * The C kernels. Addresses and counts are plain numbers (user-space addresses fit in 2^53);
 * each call returns the elapsed ns measured with clock_gettime(CLOCK_MONOTONIC) inside C.
 * @example Basic usage
 * ```ts
 * const k = openKernels();
 * if (k.ok) assert(k.kernels.read(addr, 1 << 20) > 0);
 * ```
 */
export interface CKernels {
  /** The library's path. */
  readonly path: string;
  /** Sums `n` doubles at `addr`. */
  read(addr: number, n: number): number;
  /** Stores `s` into `n` doubles at `addr` (also the arrays' first touch). */
  write(addr: number, n: number, s: number): number;
  /** a[i] = b[i] + s * c[i] over `n` doubles. */
  triad(a: number, b: number, c: number, n: number, s: number): number;
  /** Links `slots` 64-byte slots at `base` into one random cycle (Sattolo), seeded. */
  chaseBuild(base: number, slots: number, seed: number): number;
  /** `loads` dependent loads along the cycle, from the slot at `start`. */
  chaseWalk(start: number, loads: number): number;
  /** `n` mbinds of one page at `addr`, alternating two modes (libc syscall()). */
  mbindSingle(addr: number, page: number, n: number, modeA: number, modeB: number, mask: number, words: number): number;
  /** One mbind per page over `pages` pages, alternating two modes page by page. */
  mbindAlternating(addr: number, page: number, pages: number, modeA: number, modeB: number, mask: number, words: number): number;
}

/**
 * The kernels, or why they cannot run here (with the fix).
 * @example Basic usage
 * ```ts
 * const k: KernelsOpen = openKernels();
 * assert(k.ok ? k.kernels.path.endsWith(".so") : k.reason.length > 0);
 * ```
 */
export type KernelsOpen = { ok: true; kernels: CKernels } | { ok: false; reason: string };

// Opened once per process: each ffi-rs open() is a dlopen that is never closed.
let opened: KernelsOpen | undefined;

/**
 * Opens the C kernels, once per process. NUMABIND_NO_BENCH_KERNELS=1 leaves them closed, as on a
 * host without a C compiler (tests run the bench that way).
 * @returns the kernels, or `{ ok: false, reason }` when the library is missing or does not load
 * @example Basic usage
 * ```ts
 * const k = openKernels();
 * assert(k.ok || k.reason.includes("libnumabind_bench.so"));
 * ```
 */
export function openKernels(): KernelsOpen {
  return (opened ??= openOnce());
}

function openOnce(): KernelsOpen {
  if (process.env.NUMABIND_NO_BENCH_KERNELS === "1") return { ok: false, reason: "NUMABIND_NO_BENCH_KERNELS=1 is set; unset it to use the C kernels" };
  const { root } = numabindPackage();
  if (!root) return { ok: false, reason: `cannot find numabind's package.json, so ${FILE} cannot be located` };
  // build/ first, as node-gyp-build looks for the shim: a checkout's own build, or an install's
  // where no prebuild matched; else what the package ships (prebuilds/<platform>-<arch>/).
  const built = join(root, "build", FILE);
  const path = existsSync(built) ? built : join(root, "prebuilds", `${process.platform}-${process.arch}`, FILE);
  if (!existsSync(path)) {
    return { ok: false, reason: `${path} is missing (it is built with the C compiler by "node native/build.mjs"); install a C compiler (gcc or clang) and run "npm run build:native"` };
  }
  let ffi: FfiRs;
  try {
    ffi = createRequire(import.meta.url)("ffi-rs") as FfiRs;
    ffi.open({ library: LIBRARY, path });
  } catch (e) {
    return { ok: false, reason: `${path} does not load here (${(e as Error).message.split("\n")[0]}); rebuild it with "npm run build:native"` };
  }
  const { I64, I32, Double } = ffi.DataType;
  const fn = (funcName: string, paramsType: number[]) => (...paramsValue: number[]): number => {
    const r = Number(ffi.load({ library: LIBRARY, funcName, retType: I64, paramsType, paramsValue }));
    if (r < 0) throw new Error(`Cannot run the C kernel ${funcName}: it failed with errno ${-r}; check the arguments (${paramsValue.join(", ")})`);
    return r;
  };
  const read = fn("nbb_read", [I64, I64]);
  const write = fn("nbb_write", [I64, I64, Double]);
  const triad = fn("nbb_triad", [I64, I64, I64, I64, Double]);
  const chaseBuild = fn("nbb_chase_build", [I64, I64, I64]);
  const chaseWalk = fn("nbb_chase_walk", [I64, I64]);
  const mbindSingle = fn("bench_single", [I64, I64, I64, I32, I32, I64, I64]);
  const mbindAlternating = fn("bench_alternating", [I64, I64, I64, I32, I32, I64, I64]);
  return { ok: true, kernels: { path, read, write, triad, chaseBuild, chaseWalk, mbindSingle, mbindAlternating } };
}
