import { MPOL_MF_MOVE, MPOL_MF_MOVE_ALL } from "../../../assembly/abi.ts";
import type { Backend } from "../backend/mod.ts";
import { unsupported } from "../errors.ts";
import { booleanField, checkOptions } from "../shapes.ts";
import { setU64 } from "../records/mod.ts";
import type { PageSpan } from "../targets/mod.ts";
import { kernelError } from "./kernel_error.ts";
import {
  checkProgressOptions, DEFAULT_PROGRESS_INTERVAL_MS, nextSize, type ProgressCallback,
  progressReporter,
} from "./progress.ts";

/** Pages per host block: one FFI call (and one page-address scratch of 512 KiB). */
const BLOCK_PAGES = 65536;
/**
 * Pages per move_pages syscall unless the caller says otherwise: the kernel migrates a call's
 * pages synchronously while the caller waits, so this bounds a single stall (16 MiB of 4 KiB
 * pages) without making the per-call cost visible.
 */
export const DEFAULT_CHUNK_PAGES = 4096;

/** How movePages() runs. */
export interface MoveOptions {
  /** Move pages shared with other processes too (MPOL_MF_MOVE_ALL; needs CAP_SYS_NICE). */
  moveAll?: boolean;
  /** Pages per move_pages syscall (default 4096). */
  chunkPages?: number;
  /**
   * Aim for syscalls of about this many milliseconds: numabind then issues one chunk per FFI
   * call and resizes chunks from the time each took (starting at chunkPages, by at most 4x
   * per chunk), so the calling thread is never held much longer than this by one call.
   */
  targetChunkMs?: number;
  /**
   * Called with (pages done, pages in total, { calls, lastItems, lastMs, maxMs }) at most once
   * per progressIntervalMs, and once at the end (not when the call throws); info.lastMs and maxMs are the time FFI calls
   * took (one chunk each with targetChunkMs).
   */
  onProgress?: ProgressCallback;
  /** Least time between two progress calls (default 100 ms; 0: after every call). */
  progressIntervalMs?: number;
  /** Allow { addr, length } targets. */
  unsafeRawAddress?: boolean;
}

/**
 * The keys MoveOptions has: movePages() refuses any other.
 * @example Basic usage
 * ```ts
 * expect(MOVE_OPTION_KEYS).toContain("chunkPages");
 * ```
 */
export const MOVE_OPTION_KEYS: readonly (keyof MoveOptions)[] = Object.freeze([
  "moveAll", "chunkPages", "targetChunkMs", "onProgress", "progressIntervalMs", "unsafeRawAddress",
]);

/**
 * Checks movePages() options (locate() and verify() pass none): keys, booleans, sizes.
 * @example Basic usage
 * ```ts
 * expect(() => checkMoveOptions({ chunkPage: 8 } as never)).toThrow(/did you mean chunkPages/);
 * ```
 */
export function checkMoveOptions(o: MoveOptions): void {
  checkOptions(o, MOVE_OPTION_KEYS, "movePages() options");
  booleanField(o.moveAll, "opts.moveAll");
  booleanField(o.unsafeRawAddress, "opts.unsafeRawAddress");
  if (o.chunkPages !== undefined && (!Number.isSafeInteger(o.chunkPages) || o.chunkPages < 1)) {
    throw new RangeError(`Cannot use opts.chunkPages: it must be a positive integer, current value is ${String(o.chunkPages)}`);
  }
  if (o.targetChunkMs !== undefined && !(typeof o.targetChunkMs === "number" && o.targetChunkMs > 0 && Number.isFinite(o.targetChunkMs))) {
    throw new RangeError(`Cannot use opts.targetChunkMs: it must be a positive number of milliseconds, current value is ${String(o.targetChunkMs)}`);
  }
  checkProgressOptions(o);
}

/**
 * move_pages over a span in blocks: queries when `nodes` is null, moves otherwise. `o` has
 * been checked (checkMoveOptions). Fills and
 * returns one status per page (node id, or -errno per page); throws a NumaError when the
 * kernel refuses a whole call.
 * @example
 * ```ts
 * const status = runMovePages(backend, span, null, {}, "locate");
 * ```
 */
export function runMovePages(b: Backend, span: PageSpan, nodes: Int32Array | null, o: MoveOptions,
  action: string, pid = 0): Int32Array {
  if (!b.movePages) throw unsupported(action, b.name, "move_pages");
  const flags = nodes ? (o.moveAll ? MPOL_MF_MOVE_ALL : MPOL_MF_MOVE) : 0;
  const status = new Int32Array(span.count);
  const scratch = new Uint32Array(2 * Math.min(span.count, BLOCK_PAGES));
  const base = Number(span.first);
  let chunk = o.chunkPages ?? DEFAULT_CHUNK_PAGES;
  const progress = o.onProgress
    ? progressReporter(o.onProgress, span.count, o.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS) : undefined;
  for (let done = 0; done < span.count;) {
    // With a latency target, one chunk per call, so each call can be timed and resized.
    const n = Math.min(span.count - done, o.targetChunkMs ? chunk : BLOCK_PAGES, BLOCK_PAGES);
    for (let i = 0; i < n; i++) setU64(scratch, 2 * i, base + (done + i) * span.pageSize);
    const st = new Uint8Array(status.buffer, done * 4, n * 4);
    const nd = nodes ? new Uint8Array(nodes.buffer, nodes.byteOffset + done * 4, n * 4) : null;
    const timed = !!(o.targetChunkMs || progress);
    const t0 = timed ? performance.now() : 0;
    const r = b.movePages(pid, n, new Uint8Array(scratch.buffer, 0, n * 8), nd, st, flags, Math.min(chunk, n));
    if (r.result < 0) {
      const at = done + r.done;
      const failing = nodes ? [...new Set(nodes.subarray(at, Math.min(at + chunk, span.count)))] : undefined;
      throw kernelError({
        syscall: "move_pages", errno: -r.result, action, arg: "target", pid, flags,
        range: { addr: span.first + BigInt(at) * BigInt(span.pageSize), length: BigInt(Math.min(chunk, span.count - at) * span.pageSize) },
        ...(failing ? { nodes: failing } : {}),
      });
    }
    done += n;
    const ms = timed ? performance.now() - t0 : 0;
    if (o.targetChunkMs) chunk = nextSize(chunk, ms, o.targetChunkMs, 1, BLOCK_PAGES);
    progress?.step(done, n, ms);
  }
  progress?.finish(span.count);
  return status;
}
