import type { Backend } from "../backend/mod.ts";
import { ERRNO } from "../errors.ts";
import { pieceReports, type PolicySnapshot, type ReportedPolicy, snapshotPolicies } from "../kernel/mod.ts";
import { cutAtMappings, readMappings } from "../system/mod.ts";

/** A failed op: its range, errno, and what get_mempolicy reports where it took effect. */
export interface FailedRange { lo: number; hi: number; errno: number; want: ReportedPolicy }

/** Mapping pieces of one range: [starts[i], ends[i]) in address order, clipped to the range. */
export interface Pieces { starts: ArrayLike<number>; ends: ArrayLike<number> }

/**
 * The first address of [lo, hi) that no piece covers, or lo when the range is covered (mbind
 * gives EFAULT for a hole anywhere in the range and changes nothing, so the hole is the cause).
 * @example
 * ```ts
 * expect(firstHole({ starts: [0, 8192], ends: [4096, 12288] }, 0, 12288)).toBe(4096);
 * ```
 */
export function firstHole(p: Pieces, lo: number, hi: number): number {
  let cursor = lo;
  for (let i = 0; i < p.starts.length; i++) {
    if (p.starts[i]! > cursor) return cursor;
    cursor = Math.max(cursor, p.ends[i]!);
  }
  return cursor < hi ? cursor : lo;
}

/**
 * The start of the first piece whose policy is not yet `want` (read after the failure): the
 * part where mbind stopped. mbind works through a range mapping by mapping and keeps what it
 * changed before a failed split (ENOMEM at vm.max_map_count), so the pieces before this one
 * have the new policy and this one does not. Returns the first piece's start when none differs.
 * @param now get_mempolicy at each piece start, entries `from` .. `from + count - 1`
 * @example
 * ```ts
 * const at = firstUnchanged(pieces, post, 0, want);
 * ```
 */
export function firstUnchanged(p: Pieces, now: PolicySnapshot, from: number, want: ReportedPolicy): number {
  const words32 = want.nodes.toWords();
  for (let i = 0; i < p.starts.length; i++) if (!pieceReports(now, from + i, want.mode, words32)) return p.starts[i]!;
  return p.starts.length ? p.starts[0]! : 0;
}

/**
 * Where each failed op of a batch failed, without a snapshot taken beforehand: one read of
 * /proc/self/maps over all of them (for EFAULT, the first hole; for ENOMEM, the mappings the
 * op reached), one get_mempolicy batch over the ENOMEM pieces; other errnos fail before any
 * change, at the op's start.
 * @param words u64 words per mask to read
 * @returns one address per failure
 * @example
 * ```ts
 * const [at] = failureSites(backend, [{ lo, hi, errno: 14, want }], 1);
 * ```
 */
export function failureSites(backend: Backend, fails: FailedRange[], words: number): number[] {
  const out = fails.map((f) => f.lo);
  const located = fails.map((_, i) => i).filter((i) => fails[i]!.errno === ERRNO.EFAULT || fails[i]!.errno === ERRNO.ENOMEM);
  if (located.length === 0) return out;
  let lo = Infinity, hi = -Infinity;
  for (const i of located) { lo = Math.min(lo, fails[i]!.lo); hi = Math.max(hi, fails[i]!.hi); }
  const m = readMappings(lo, hi);
  const piecesOf = (f: FailedRange): { starts: number[]; ends: number[] } => {
    const starts: number[] = [], ends: number[] = [];
    cutAtMappings(m, f.lo, f.hi, (s, e) => { starts.push(s); ends.push(e); });
    return { starts, ends };
  };
  const enomem: { i: number; p: { starts: number[]; ends: number[] }; from: number }[] = [];
  let total = 0;
  for (const i of located) {
    const f = fails[i]!, p = piecesOf(f);
    if (f.errno === ERRNO.EFAULT) out[i] = firstHole(p, f.lo, f.hi);
    else { enomem.push({ i, p, from: total }); total += p.starts.length; }
  }
  if (total > 0 && backend.getMempolicyBatch) {
    const addrs = new BigUint64Array(total);
    for (const e of enomem) e.p.starts.forEach((s, k) => { addrs[e.from + k] = BigInt(s); });
    const now = snapshotPolicies(backend, addrs, words);
    for (const e of enomem) out[e.i] = firstUnchanged(e.p, now, e.from, fails[e.i]!.want);
  }
  return out;
}
