import { MPOL_BIND, MPOL_MODE_FLAGS, MPOL_PREFERRED_MANY, REQ_HOME_SHIFT } from "../../../assembly/abi.ts";
import { invalid, NumaError } from "../errors.ts";
import { describeValue } from "../shapes.ts";
import { kernelAtLeast } from "../system/mod.ts";
import type { PlanFacts } from "./types.ts";

/** Home nodes fit the 16 high bits of a request's flags word, as node + 1. */
const MAX_HOME = 0xfffe;

/**
 * A request's home node as the high bits of its flags word (abi.ts REQ_HOME_SHIFT), checked
 * first by the kernel's rules: an online node, a policy of mode bind or preferred-many, and a
 * kernel that has set_mempolicy_home_node (5.17).
 * @param mode the request's kernel mode (with mode flags)
 * @example Basic usage
 * ```ts
 * expect(homeBits(2, MPOL_BIND, facts, "requests[0].homeNode", 0)).toBe(3 << 16);
 * ```
 */
export function homeBits(home: unknown, mode: number, facts: PlanFacts, arg: string, index: number): number {
  if (typeof home !== "number" || !Number.isInteger(home) || home < 0 || home > MAX_HOME) {
    throw new TypeError(`Cannot use ${arg}: a home node must be an integer in 0..${MAX_HOME}, current value is ${describeValue(home)}`);
  }
  const base = mode & ~MPOL_MODE_FLAGS;
  if (base !== MPOL_BIND && base !== MPOL_PREFERRED_MANY) {
    throw new NumaError(`Cannot use ${arg}: a home node applies to policies of mode bind or preferred-many (the kernel answers EOPNOTSUPP for others)`,
      { code: "EINVAL", syscall: "validate", arg, index });
  }
  if (facts.online && !facts.online.has(home)) {
    throw invalid(arg, `Cannot use ${arg}: node ${home} is not online (online nodes: ${facts.online.toList()})`, { index });
  }
  if (!kernelAtLeast(5, 17)) {
    throw new NumaError(`Cannot use ${arg}: the kernel is older than Linux 5.17, which brought set_mempolicy_home_node`,
      { code: "ENOSYS", syscall: "set_mempolicy_home_node", arg, index });
  }
  return (home + 1) << REQ_HOME_SHIFT >>> 0;
}
