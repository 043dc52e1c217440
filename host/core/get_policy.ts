import type { Backend } from "./backend.ts";
import { errnoName, NumaError } from "./errors.ts";
import { Nodemask } from "./nodemask.ts";
import { fromKernelPolicy, type Policy } from "./policy.ts";

/** A policy as the kernel reports it: nodes always present (empty for default/local). */
export type PolicyInfo = Policy & { nodes: Nodemask };

/** get_mempolicy flags. */
export const MPOL_F_NODE = 1;
export const MPOL_F_ADDR = 2;
export const MPOL_F_MEMS_ALLOWED = 4;

/**
 * get_mempolicy with a mask wide enough for every possible node.
 * @param words u64 words of mask to read; maxnode = words * 64 + 1 must cover nr_node_ids
 * @returns the mode word and mask; throws NumaError on a kernel error
 */
export function getMempolicy(backend: Backend, addr: bigint, flags: number, words: number): { mode: number; mask: Nodemask } {
  if (!backend.getMempolicy) {
    throw new NumaError(`Cannot read a policy: the ${backend.name} backend has no get_mempolicy`, { code: "ENOSYS", syscall: "get_mempolicy" });
  }
  const mode = new Uint8Array(4);
  const mask = new Uint8Array(words * 8);
  const r = backend.getMempolicy(mode, mask, words * 64 + 1, addr, flags);
  if (r < 0) {
    const code = errnoName(-r);
    const why = -r === 14 ? ": the address is not mapped" : -r === 1 ? ": get_mempolicy is denied (seccomp without CAP_SYS_NICE?)" : "";
    throw new NumaError(`get_mempolicy at 0x${addr.toString(16)} failed with ${code}${why}`, {
      code, errno: -r, syscall: "get_mempolicy", range: { addr, length: 1n },
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
