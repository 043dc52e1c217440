import { MPOL_MF_MOVE, MPOL_MF_MOVE_ALL, MPOL_MF_STRICT } from "../../../assembly/abi.ts";
import { opReportedForm, pieceReports } from "../kernel/mod.ts";
import type { Nodemask } from "../policy/mod.ts";
import { opAt, opFlags, opMask, opMode } from "../records/mod.ts";
import type { OpRecords, OpSnapshot } from "./op_snapshot.ts";

/** An expected report: the mode and the mask as u32 halves, at least as wide as the snapshot's. */
interface Want { mode: number; words32: Uint32Array }

/**
 * Marks the ops whose whole range already has exactly the op's policy, so that mbind would
 * change nothing: every piece reports the op's mode, mode flags and (for static and relative
 * policies) mask, or for the others the nodes the op would end up with (reportedForm). Ops
 * with strict, move or moveAll are never marked: their pages may sit on the wrong nodes even
 * where the policy is right, and skipping would hide that. Ops over a hole are never marked
 * either, so the kernel reports the EFAULT.
 * @param masks32 the op mask table (u32 halves, `maskWords` u64 per mask)
 * @param usable mems_allowed ∩ nodes with memory, read now
 * @returns 1 per op that needs no syscall
 * @example
 * ```ts
 * const skip = unchangedOps(ops, masks32, plan.maskWords, snapshotOps(backend, ops, words), usable);
 * ```
 */
export function unchangedOps(ops: OpRecords, masks32: Uint32Array, maskWords: number, snap: OpSnapshot,
  usable: Nodemask): Uint8Array {
  const out = new Uint8Array(ops.count);
  const wants = new Map<string, Want>();
  const u = ops.u32;
  for (let k = 0; k < ops.count; k++) {
    const o = opAt(k);
    if (!snap.covered[k] || (opFlags(u, o) & (MPOL_MF_STRICT | MPOL_MF_MOVE | MPOL_MF_MOVE_ALL))) continue;
    const key = `${opMode(u, o)}/${opMask(u, o)}`;
    let w = wants.get(key);
    if (!w) {
      const r = opReportedForm(u, k, masks32, maskWords, usable);
      w = { mode: r.mode, words32: r.nodes.toWords() };
      wants.set(key, w);
    }
    let same = true;
    for (let p = snap.firstPiece[k]!; same && p < snap.firstPiece[k + 1]!; p++) {
      same = pieceReports(snap.policies, p, w.mode, w.words32);
    }
    out[k] = same ? 1 : 0;
  }
  return out;
}
