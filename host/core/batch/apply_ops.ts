import { OP_SIZE } from "../../../assembly/abi.ts";
import type { Backend } from "../backend/mod.ts";
import { nextSize, type ProgressReporter } from "../kernel/mod.ts";

/** Ops ready for the kernel: records (abi.ts OP_*), their mask table, one errno slot each. */
export interface OpBatch {
  ops: Uint8Array;
  count: number;
  masks: Uint8Array;
  maskWords: number;
  errnos: Uint8Array;
}

/** How far applying got; updated before every progress call, so a throwing callback leaves it right. */
export interface ApplyState { attempted: number }

/** Ops in the first slice of a batch with progress: ~0.2-0.5 ms of mbind here. */
const FIRST_SLICE = 256;
/** Most ops in one slice (2 MiB of op records). */
const MAX_SLICE = 1 << 16;

/**
 * Issues a batch's ops through the backend's batch hook: one FFI crossing, or, with a
 * progress reporter, slices of ops, one crossing each, sized so that a slice takes about
 * `sliceMs` (the first is FIRST_SLICE ops; each next one is resized from the time the last
 * took, by at most 4x). The reporter runs between slices. Stops at the first failure unless
 * continueOnError. Fills `state.attempted` (ops attempted = mbind syscalls issued) as it goes.
 * @example
 * ```ts
 * const state = { attempted: 0 };
 * applyOps(backend, batch, { continueOnError: false, sliceMs: 50 }, state);
 * ```
 */
export function applyOps(backend: Backend, b: OpBatch,
  o: { continueOnError: boolean; progress?: ProgressReporter; sliceMs: number }, state: ApplyState): void {
  const mbind = backend.mbindBatch!;
  if (!o.progress) {
    state.attempted = b.count === 0 ? 0 : mbind(b.ops, b.count, b.masks, b.maskWords, b.errnos, o.continueOnError);
    return;
  }
  let size = FIRST_SLICE;
  while (state.attempted < b.count) {
    const at = state.attempted, n = Math.min(size, b.count - at);
    const t0 = performance.now();
    const r = mbind(b.ops.subarray(at * OP_SIZE, (at + n) * OP_SIZE), n, b.masks, b.maskWords,
      b.errnos.subarray(at * 4, (at + n) * 4), o.continueOnError);
    const ms = performance.now() - t0;
    state.attempted = at + r;
    // Stopped at a failure: fewer ops attempted, or (failing on the slice's last op) an errno
    // in the last slot; the count alone cannot tell the second case from success.
    if (r < n || (!o.continueOnError && r > 0 && new Int32Array(b.errnos.buffer, b.errnos.byteOffset + (at + r - 1) * 4, 1)[0] !== 0)) return;
    o.progress.step(state.attempted, n, ms);
    size = nextSize(size, ms, o.sliceMs, 1, MAX_SLICE);
  }
}
