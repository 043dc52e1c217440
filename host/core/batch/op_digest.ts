import { NO_MASK } from "../../../assembly/abi.ts";
import type { EnginePlan } from "../plan/mod.ts";
import { getU64 } from "../records/mod.ts";

// What verify() needs of a plan's ops (range and policy), kept with a batch result after the
// engine's memory is reused: the engine's digest (assembly/plan_digest.ts), 8 bytes an op
// instead of the 32 of a record. The size is the cost: every fresh page a copy writes is a
// page fault (~2 µs on the bench host), and copying 20,000 records took 0.4 ms of bindBatch.

const UNIT = 4096;
const DIGEST_NO_MASK = 0xffff;

/** A plan's ops, compact: op k covers units[k] 4 KiB units, after gaps[k] units of gap. */
export interface OpDigest {
  count: number;
  /** Address of op 0. */
  first: number;
  /** u32 pairs per op: [length in 4 KiB units, mode | op mask index << 16 (0xffff: NO_MASK)]. */
  pairs: Uint32Array;
  /** 4 KiB units from the previous op's end to each op's start; undefined when none has a gap. */
  gaps: Uint32Array | undefined;
}

/**
 * Copies the engine's digest of a plan's ops out of its memory. Grows the engine's memory:
 * take views of it afterwards.
 * @returns the digest, or undefined when the ops do not fit its form (plan_digest.ts): keep
 * the op records then
 * @example
 * ```ts
 * const d = digestOps(plan);
 * if (d) forEachDigestOp(d, (k, addr, end, mode, mask) => console.log(k, addr, end, mode, mask));
 * ```
 */
export function digestOps(p: EnginePlan): OpDigest | undefined {
  const x = p.engine.x;
  const at = x.plan_digest();
  if (at === 0) return undefined;
  const gapsAt = x.plan_digest_gaps(), u32 = p.engine.u32(), n = p.count;
  return {
    count: n,
    first: getU64(u32, p.opsAt >>> 2),
    pairs: u32.slice(at >>> 2, (at >>> 2) + 2 * n),
    gaps: gapsAt === 0 ? undefined : u32.slice(gapsAt >>> 2, (gapsAt >>> 2) + n),
  };
}

/**
 * Calls `f` for each op of a digest, in order: its index, range, op mode (mode | mode flags)
 * and op mask index (NO_MASK for a NULL mask).
 * @example
 * ```ts
 * let bytes = 0;
 * forEachDigestOp(d, (k, addr, end) => { bytes += end - addr; });
 * ```
 */
export function forEachDigestOp(d: OpDigest,
  f: (k: number, addr: number, end: number, mode: number, mask: number) => void): void {
  const { pairs, gaps } = d;
  let addr = d.first;
  for (let k = 0; k < d.count; k++) {
    if (gaps) addr += gaps[k]! * UNIT;
    const end = addr + pairs[2 * k]! * UNIT, policy = pairs[2 * k + 1]!, mask = policy >>> 16;
    f(k, addr, end, policy & 0xffff, mask === DIGEST_NO_MASK ? NO_MASK : mask);
    addr = end;
  }
}
