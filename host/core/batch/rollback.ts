import { MPOL_DEFAULT, MPOL_LOCAL, MPOL_MODE_FLAGS, NO_MASK, OP_SIZE } from "../../../assembly/abi.ts";
import type { Backend } from "../backend/mod.ts";
import { type AddressRange, errnoName } from "../errors.ts";
import { formatPolicy, pieceReports, snapshotPolicies } from "../kernel/mod.ts";
import { Nodemask } from "../policy/mod.ts";
import { opAt, setOpRange, writeOp } from "../records/mod.ts";
import type { OpSnapshot } from "./op_snapshot.ts";

/** A range whose prior policy could not be restored. */
export interface RestoreFailure {
  range: AddressRange;
  /** The policy it had before the batch, as get_mempolicy reported it. */
  expected: string;
  /** The policy it has now, or why it could not be read. */
  actual: string;
  /** The errno the restoring mbind failed with (absent when mbind succeeded but the read-back differs). */
  code?: string;
  errno?: number;
}

/** Restore ops built before the batch runs, so undoing it needs no allocation on the way. */
export interface RestorePlan {
  /** Op records (abi.ts OP_*): runs of adjacent pieces with equal prior policies. */
  records: Uint8Array;
  count: number;
  /** Record r restores pieces firstPiece[r] .. firstPiece[r + 1] - 1. */
  firstPiece: Uint32Array;
  errnos: Int32Array;
}

/** Passes over restores that failed: one restore can need a mapping another one frees. */
const MAX_PASSES = 8;

const noMask = (mode: number): boolean => {
  const base = mode & ~MPOL_MODE_FLAGS;
  return base === MPOL_DEFAULT || base === MPOL_LOCAL;
};

function samePrior(s: OpSnapshot, p: number, q: number): boolean {
  const { modes, masks, words } = s.policies;
  if (modes[p] !== modes[q]) return false;
  if (noMask(modes[p]!)) return true;
  for (let i = 0; i < words * 2; i++) if (masks[p * words * 2 + i] !== masks[q * words * 2 + i]) return false;
  return true;
}

/**
 * Builds the ops that put every piece back to its prior policy: mbind with exactly what
 * get_mempolicy reported (mode | mode flags, and the reported mask, which for static and
 * relative policies is the caller's own), or MPOL_DEFAULT / MPOL_LOCAL with a NULL mask.
 * Adjacent pieces with equal prior policies become one op, so undoing a batch over one
 * mapping is one mbind that merges its mappings back. The mask of piece p is the snapshot's
 * mask table entry p, so no mask is copied.
 * @example
 * ```ts
 * const r = prepareRestore(snapshotOps(backend, ops, words));
 * expect(r.count).toBeLessThanOrEqual(r.firstPiece[r.count]);
 * ```
 */
export function prepareRestore(s: OpSnapshot): RestorePlan {
  const n = s.start.length;
  const records = new Uint8Array(Math.max(1, n) * OP_SIZE), u = new Uint32Array(records.buffer);
  const firstPiece = new Uint32Array(n + 1);
  let count = 0;
  for (let p = 0; p < n; p++) {
    if (count > 0 && s.end[p - 1] === s.start[p] && samePrior(s, p - 1, p)) continue;
    firstPiece[count++] = p;
  }
  firstPiece[count] = n;
  for (let r = 0; r < count; r++) {
    const p = firstPiece[r]!, a = s.start[p]!, mode = s.policies.modes[p]!;
    writeOp(u, opAt(r), a, s.end[firstPiece[r + 1]! - 1]! - a, mode, 0, noMask(mode) ? NO_MASK : p, p);
  }
  return { records, count, firstPiece, errnos: new Int32Array(Math.max(1, count)) };
}

/** What a rollback did. */
export interface RollbackOutcome {
  /** Every restore succeeded and every piece reads back as its prior policy. */
  ok: boolean;
  /** mbind syscalls the restore issued, over all passes. */
  syscalls: number;
  passes: number;
  failed: RestoreFailure[];
}

/**
 * Restores the prior policy of the first `pieces` pieces (every op applied, and the failing
 * op, which mbind may have changed in part: it is not atomic over a range). Runs the restore
 * ops with continueOnError, repeats the ones that failed while that makes progress, then reads
 * every piece back with get_mempolicy and compares it with the snapshot. Whatever does not
 * match is returned, never dropped.
 * @example
 * ```ts
 * const out = rollback(backend, snap, restore, snap.firstPiece[failedOp + 1]);
 * if (!out.ok) console.error(out.failed);
 * ```
 */
export function rollback(backend: Backend, s: OpSnapshot, r: RestorePlan, pieces: number): RollbackOutcome {
  const words = s.policies.words;
  const masks = new Uint8Array(s.policies.masks.buffer, s.policies.masks.byteOffset, Math.max(1, s.start.length) * words * 8);
  // Records up to the one holding piece `pieces - 1`, the last one cut at that piece's end.
  let n = 0;
  while (n < r.count && r.firstPiece[n]! < pieces) n++;
  const u = new Uint32Array(r.records.buffer);
  if (n > 0 && r.firstPiece[n]! > pieces) {
    const a = s.start[r.firstPiece[n - 1]!]!;
    setOpRange(u, opAt(n - 1), a, s.end[pieces - 1]! - a);
  }
  // Pass 1 runs the prepared records as they are: nothing is allocated before it.
  let syscalls = n === 0 ? 0 : backend.mbindBatch!(r.records, n, masks, words, new Uint8Array(r.errnos.buffer, 0, n * 4), true);
  let passes = n === 0 ? 0 : 1;
  let pending: number[] = [];
  for (let i = 0; i < n; i++) if (r.errnos[i] !== 0) pending.push(i);
  // Later passes retry what failed while that helps: a restore may need a mapping another freed.
  while (pending.length > 0 && passes < MAX_PASSES) {
    const records = new Uint8Array(pending.length * OP_SIZE), errnos = new Int32Array(pending.length);
    pending.forEach((i, j) => records.set(r.records.subarray(i * OP_SIZE, (i + 1) * OP_SIZE), j * OP_SIZE));
    syscalls += backend.mbindBatch!(records, pending.length, masks, words, new Uint8Array(errnos.buffer), true);
    passes++;
    const still = pending.filter((i, j) => { r.errnos[i] = errnos[j]!; return errnos[j] !== 0; });
    if (still.length === pending.length) break;
    pending = still;
  }
  const failed: RestoreFailure[] = [];
  const now = snapshotPolicies(backend, s.addrs.subarray(0, pieces), words);
  const text = (modes: Int32Array, masks32: Uint32Array, errs: Int32Array | undefined, p: number): string =>
    errs && errs[p] !== 0 ? `unreadable: get_mempolicy failed with ${errnoName(errs[p]!)}`
      : formatPolicy(modes[p]!, Nodemask.fromWords(masks32.slice(p * words * 2, (p + 1) * words * 2)));
  const failedRecord = new Set(pending.filter((i) => r.errnos[i] !== 0));
  for (let i = 0; i < n; i++) {
    const from = r.firstPiece[i]!, to = Math.min(r.firstPiece[i + 1]!, pieces);
    for (let p = from; p < to; p++) {
      const mode = s.policies.modes[p]!;
      const differs = !pieceReports(now, p, mode, noMask(mode) ? null : s.policies.masks.subarray(p * words * 2, (p + 1) * words * 2));
      if (!differs && !failedRecord.has(i)) continue;
      const f: RestoreFailure = {
        range: { addr: BigInt(s.start[p]!), length: BigInt(s.end[p]! - s.start[p]!) },
        expected: text(s.policies.modes, s.policies.masks, undefined, p),
        actual: text(now.modes, now.masks, now.errnos, p),
      };
      if (failedRecord.has(i)) { f.errno = r.errnos[i]!; f.code = errnoName(f.errno); }
      failed.push(f);
    }
  }
  return { ok: failed.length === 0, syscalls, passes, failed };
}
