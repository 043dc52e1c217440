import {
  MPOL_DEFAULT, MPOL_F_RELATIVE_NODES, MPOL_F_STATIC_NODES, MPOL_LOCAL, MPOL_MODE_FLAGS,
  MPOL_PREFERRED, NO_MASK,
} from "../../../assembly/abi.ts";
import { effectiveNodes, modeFlagNames, modeName, Nodemask } from "../policy/mod.ts";
import { opAt, opMask, opMode } from "../records/mod.ts";
import type { PolicySnapshot } from "./get_policy.ts";

/** A policy as get_mempolicy(MPOL_F_ADDR) reports it: mode | mode flags, and a node set. */
export interface ReportedPolicy { mode: number; nodes: Nodemask }

/**
 * What get_mempolicy(MPOL_F_ADDR) reports for a mapping after mbind(mode, mask): the mode
 * with its mode flags, and for static or relative policies the caller's mask, for the others
 * the nodes the policy ended up with (mask ∩ usable; preferred keeps the first). Default
 * reports mode 0 and no nodes, local mode 4; preferred without nodes is stored as local.
 * Two policies with equal reports are equal to the kernel's mpol_equal() (which decides that
 * mbind changes nothing), except for a home node (set_mempolicy_home_node), which
 * get_mempolicy does not report and which numabind never sets.
 * @param usable mems_allowed ∩ nodes with memory, as the kernel computes it at mbind time
 * @example
 * ```ts
 * expect(reportedForm(2, Nodemask.of(0, 5), Nodemask.of(0)).nodes.toArray()).toEqual([0]);
 * expect(reportedForm(0x8002, Nodemask.of(0, 5), Nodemask.of(0)).nodes.toArray()).toEqual([0, 5]);
 * ```
 */
export function reportedForm(mode: number, mask: Nodemask | null, usable: Nodemask): ReportedPolicy {
  const base = mode & ~MPOL_MODE_FLAGS;
  if (base === MPOL_DEFAULT) return { mode: MPOL_DEFAULT, nodes: Nodemask.EMPTY };
  if (base === MPOL_LOCAL || (base === MPOL_PREFERRED && (!mask || mask.isEmpty))) {
    return { mode: MPOL_LOCAL, nodes: Nodemask.EMPTY };
  }
  const m = mask ?? Nodemask.EMPTY;
  if (mode & (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES)) return { mode, nodes: m };
  return { mode, nodes: effectiveNodes(mode, m, usable) };
}

/**
 * reportedForm for op `k` of an op record list (abi.ts OP_*) with its mask table.
 * @param masks32 the op mask table as u32 halves, `maskWords` u64 per mask
 * @example
 * ```ts
 * expect(opReportedForm(opsU32, 0, masks32, 1, usable).mode).toBe(2);
 * ```
 */
export function opReportedForm(ops32: Uint32Array, k: number, masks32: Uint32Array, maskWords: number,
  usable: Nodemask): ReportedPolicy {
  const o = opAt(k), mi = opMask(ops32, o);
  const mask = mi === NO_MASK ? null : Nodemask.fromWords(masks32.slice(mi * maskWords * 2, (mi + 1) * maskWords * 2));
  return reportedForm(opMode(ops32, o), mask, usable);
}

/**
 * Whether a reported mask (u32 halves of `words` u64, as snapshotPolicies returns them)
 * holds exactly `nodes`. Nodes at or above words * 64 cannot be read back, so a mask naming
 * one never compares equal.
 * @example
 * ```ts
 * expect(reportedMaskIs(Uint32Array.of(1, 0), Nodemask.of(0))).toBe(true);
 * ```
 */
export function reportedMaskIs(words32: Uint32Array, nodes: Nodemask): boolean {
  return sameMask(words32, 0, words32.length, nodes.toWords());
}

/** Whether `got[at, at + len)` holds `want`, each read as zeros past its end. */
function sameMask(got: Uint32Array, at: number, len: number, want: Uint32Array): boolean {
  for (let i = 0; i < len; i++) if (got[at + i] !== (want[i] ?? 0)) return false;
  for (let i = len; i < want.length; i++) if (want[i] !== 0) return false;
  return true;
}

/**
 * Whether entry `p` of a get_mempolicy snapshot reports exactly `mode` (with its mode flags)
 * and the mask `words32` (u32 halves; either side reads as zeros past its end). A null mask
 * matches any reported mask: default and local carry none to compare.
 * @example Basic usage
 * ```ts
 * const s = snapshotPolicies(backend, BigUint64Array.of(addr), 1);
 * expect(pieceReports(s, 0, MPOL_BIND, Nodemask.of(0).toWords())).toBe(true);
 * ```
 */
export function pieceReports(s: PolicySnapshot, p: number, mode: number, words32: Uint32Array | null): boolean {
  if (s.errnos[p] !== 0 || s.modes[p] !== mode) return false;
  return words32 === null || sameMask(s.masks, p * s.words * 2, s.words * 2, words32);
}

/**
 * A kernel policy in words, as get_mempolicy reports it: "bind:0-1", "interleave=static:0,5",
 * "default", "local". Unlike numa_maps' text, the nodes are the reported mask as is.
 * @example
 * ```ts
 * expect(formatPolicy(0x8003, Nodemask.of(0, 5))).toBe("interleave=static:0,5");
 * ```
 */
export function formatPolicy(mode: number, nodes: Nodemask): string {
  const flags = modeFlagNames(mode);
  const name = modeName(mode) ?? `mode ${mode & ~MPOL_MODE_FLAGS}`;
  return `${name}${flags.length ? `=${flags.join("|")}` : ""}${nodes.isEmpty ? "" : `:${nodes.toList()}`}`;
}
