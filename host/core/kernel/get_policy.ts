import type { Backend } from "../backend/mod.ts";
import { unsupported } from "../errors.ts";
import { fromKernelPolicy, Nodemask, type Policy } from "../policy/mod.ts";
import { kernelError } from "./kernel_error.ts";

/** A policy as the kernel reports it: nodes always present (empty for default/local). */
export type PolicyInfo = Policy & { nodes: Nodemask };

/**
 * get_mempolicy flag: return a node id in `mode` (the node of the page at addr with
 * MPOL_F_ADDR, else the thread's next interleave node).
 * @example Basic usage
 * ```ts
 * const s = snapshotPolicies(backend, BigUint64Array.of(addr), 1, MPOL_F_ADDR | MPOL_F_NODE);
 * ```
 */
export const MPOL_F_NODE = 1;
/**
 * get_mempolicy flag: report the policy of the mapping holding addr instead of the thread's.
 * @example Basic usage
 * ```ts
 * expect(getMempolicy(backend, addr, MPOL_F_ADDR, 1).mode).toBe(0);   // an unbound mapping
 * ```
 */
export const MPOL_F_ADDR = 2;
/**
 * get_mempolicy flag: report the nodes this task may use (its cpuset's Mems_allowed).
 * @example Basic usage
 * ```ts
 * expect(getMempolicy(backend, 0n, MPOL_F_MEMS_ALLOWED, 1).mask.has(0)).toBe(true);
 * ```
 */
export const MPOL_F_MEMS_ALLOWED = 4;

/**
 * get_mempolicy with a mask wide enough for every possible node.
 * @param words u64 words of mask to read; maxnode = words * 64 + 1 must cover nr_node_ids
 * @returns the mode word and mask; throws NumaError on a kernel error
 * @example
 * ```ts
 * expect(getMempolicy(backend, 0n, 0, 1).mode).toBe(0); // this thread: default
 * ```
 */
export function getMempolicy(backend: Backend, addr: bigint, flags: number, words: number): { mode: number; mask: Nodemask } {
  if (!backend.getMempolicy) throw unsupported("read a policy", backend.name, "get_mempolicy");
  const mode = new Uint8Array(4);
  const mask = new Uint8Array(words * 8);
  const r = backend.getMempolicy(mode, mask, words * 64 + 1, addr, flags);
  if (r < 0) {
    const what = flags & MPOL_F_ADDR ? `the policy at 0x${addr.toString(16)}` : "this thread's policy";
    throw kernelError({
      syscall: "get_mempolicy", errno: -r, action: `read ${what}`,
      ...(flags & MPOL_F_ADDR ? { range: { addr, length: 1n }, arg: "target" } : {}),
    });
  }
  return {
    mode: new Int32Array(mode.buffer)[0]!,
    mask: Nodemask.fromWords(new Uint32Array(mask.buffer)),
  };
}

/**
 * The policy of the mapping holding `addr` (get_mempolicy with MPOL_F_ADDR). A mapping with no
 * policy of its own reports "default", never the thread's policy.
 * @example
 * ```ts
 * expect(getPolicyAt(backend, addr, 1).mode).toBe("bind");
 * ```
 */
export function getPolicyAt(backend: Backend, addr: bigint, words: number): PolicyInfo {
  const { mode, mask } = getMempolicy(backend, addr, MPOL_F_ADDR, words);
  return fromKernelPolicy(mode, mask);
}

/** Policies at many addresses, from one batch call: raw kernel words, one errno each. */
export interface PolicySnapshot {
  /** Mode | mode flags per address. */
  modes: Int32Array;
  /** `words` u64 per address, as u32 halves. */
  masks: Uint32Array;
  words: number;
  /** 0, or the errno get_mempolicy gave for that address. */
  errnos: Int32Array;
}

/**
 * get_mempolicy(MPOL_F_ADDR) over a list of addresses in one FFI crossing (the shim's
 * numabind_get_mempolicy_batch): snapshots before a batch and verification after it.
 * @param addrs page addresses
 * @param words u64 words per mask (at least the possible-node width)
 * @example
 * ```ts
 * const s = snapshotPolicies(backend, BigUint64Array.of(addr), 1);
 * expect(s.errnos[0]).toBe(0);
 * ```
 */
export function snapshotPolicies(backend: Backend, addrs: BigUint64Array, words: number, flags = MPOL_F_ADDR): PolicySnapshot {
  if (!backend.getMempolicyBatch) throw unsupported("read policies", backend.name, "get_mempolicy");
  const n = addrs.length;
  const modes = new Int32Array(Math.max(1, n)), errnos = new Int32Array(Math.max(1, n));
  const masks = new Uint32Array(Math.max(1, n) * words * 2);
  if (n > 0) {
    backend.getMempolicyBatch(new Uint8Array(addrs.buffer, addrs.byteOffset, n * 8), n,
      new Uint8Array(modes.buffer), new Uint8Array(masks.buffer), words, flags, new Uint8Array(errnos.buffer));
  }
  return { modes: modes.subarray(0, n), masks: masks.subarray(0, n * words * 2), words, errnos: errnos.subarray(0, n) };
}

/**
 * Entry i of a snapshot as a PolicyInfo, or undefined when get_mempolicy failed there.
 * @example
 * ```ts
 * expect(snapshotEntry(s, 0)?.mode).toBe("default");
 * ```
 */
export function snapshotEntry(s: PolicySnapshot, i: number): PolicyInfo | undefined {
  if (s.errnos[i] !== 0) return undefined;
  return fromKernelPolicy(s.modes[i]!, Nodemask.fromWords(s.masks.slice(i * s.words * 2, (i + 1) * s.words * 2)));
}
