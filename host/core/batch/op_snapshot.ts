import type { Backend } from "../backend/mod.ts";
import { invalid } from "../errors.ts";
import { type PolicySnapshot, snapshotPolicies } from "../kernel/mod.ts";
import { opAddr, opAt, opLen, setU64 } from "../records/mod.ts";
import { cutAtMappings, type Mappings, readMappings } from "../system/mod.ts";

/** Op records in the engine's layout (abi.ts OP_*), viewed as u32. */
export interface OpRecords { u32: Uint32Array; count: number }

/** The policy of every mapping a list of ops touches, taken before the ops are applied. */
export interface OpSnapshot {
  /** Piece p, [start[p], end[p]), is the part of one op inside one mapping, in address order. */
  start: Float64Array;
  end: Float64Array;
  /** The pieces of op k are firstPiece[k] .. firstPiece[k + 1] - 1 (count + 1 entries). */
  firstPiece: Uint32Array;
  /** 1 when op k lies wholly inside mappings; 0 when part of it is a hole (mbind: EFAULT). */
  covered: Uint8Array;
  /** Piece start addresses, for get_mempolicy. */
  addrs: BigUint64Array;
  /** get_mempolicy(MPOL_F_ADDR) at each piece start: one FFI crossing for all of them. */
  policies: PolicySnapshot;
}

/**
 * Start and end of op k as numbers.
 * @example
 * ```ts
 * const [start, end] = opRange({ u32: opsU32, count }, 0);
 * ```
 */
export function opRange(ops: OpRecords, k: number): [number, number] {
  const o = opAt(k), a = opAddr(ops.u32, o);
  return [a, a + opLen(ops.u32, o)];
}

/**
 * Snapshots the policy of every mapping the ops touch: mapping boundaries from /proc/self/maps
 * (no page-table walk), each op cut at them into pieces, and the policy of each piece read
 * with get_mempolicy(MPOL_F_ADDR) in one batch call. A mapping has one policy, so a piece's
 * first page speaks for all of it. Ops must be sorted by address and disjoint, as the engine
 * emits them.
 * @param words u64 words per mask to read (covering every possible node)
 * @param maps the mappings (default: read now); tests pass their own
 * @example
 * ```ts
 * const s = snapshotOps(backend, { u32: opsU32, count }, ctx.maskWords());
 * expect(s.firstPiece[count]).toBe(s.start.length);
 * ```
 */
export function snapshotOps(backend: Backend, ops: OpRecords, words: number, maps?: Mappings): OpSnapshot {
  const n = ops.count;
  const firstPiece = new Uint32Array(n + 1), covered = new Uint8Array(n);
  const starts: number[] = [], ends: number[] = [];
  if (n > 0) {
    const lo = opRange(ops, 0)[0], hi = opRange(ops, n - 1)[1];
    if (hi > Number.MAX_SAFE_INTEGER) {
      throw invalid("requests", `Cannot snapshot the batch: its ops reach 0x${hi.toString(16)}, above 2^53, where numabind's address arithmetic is not exact`);
    }
    const m = maps ?? readMappings(lo, hi);
    let j = 0, cursor = 0, whole = true;
    const piece = (s: number, e: number): void => {
      if (s > cursor) whole = false;
      starts.push(s); ends.push(e);
      cursor = e;
    };
    for (let k = 0; k < n; k++) {
      const [a, b] = opRange(ops, k);
      firstPiece[k] = starts.length;
      cursor = a; whole = true;
      j = cutAtMappings(m, a, b, piece, j);
      covered[k] = whole && cursor >= b ? 1 : 0;
    }
  }
  firstPiece[n] = starts.length;
  // Halves written as u32: a BigInt per piece would cost more than the get_mempolicy itself.
  const addrs = new BigUint64Array(starts.length), halves = new Uint32Array(addrs.buffer);
  for (let i = 0; i < starts.length; i++) setU64(halves, 2 * i, starts[i]!);
  return {
    start: Float64Array.from(starts), end: Float64Array.from(ends), firstPiece, covered, addrs,
    policies: snapshotPolicies(backend, addrs, words),
  };
}
