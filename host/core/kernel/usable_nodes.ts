import type { Context } from "../context.ts";
import { getMempolicy, MPOL_F_MEMS_ALLOWED } from "./get_policy.ts";
import type { Nodemask } from "../policy/nodemask.ts";

/**
 * The nodes an mbind issued now would keep: this task's Mems_allowed, read fresh with one
 * get_mempolicy(MPOL_F_MEMS_ALLOWED) (a cpuset may have changed since the topology was read),
 * intersected with the nodes that have memory. Comparing a policy with what the kernel
 * reports needs the set the kernel would use now; a stale one could call a changed range
 * unchanged. Falls back to the cached facts if the call fails.
 * @example
 * ```ts
 * expect(usableNow(ctx).has(0)).toBe(true);
 * ```
 */
export function usableNow(ctx: Context): Nodemask {
  try {
    return getMempolicy(ctx.backend, 0n, MPOL_F_MEMS_ALLOWED, ctx.maskWords()).mask.intersect(ctx.topology().withMemory);
  } catch {
    return ctx.facts().usable;
  }
}
