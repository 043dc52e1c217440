import { MPOL_F_RELATIVE_NODES, MPOL_LOCAL, MPOL_MODE_FLAGS, MPOL_PREFERRED } from "../../../assembly/abi.ts";
import { MODE_FLAGS, modeOfKernel } from "./modes.ts";
import { Nodemask } from "./nodemask.ts";

/**
 * The nodes a policy ends up with after the kernel's mpol_set_nodemask(): the mask intersected
 * with the usable nodes, or for MPOL_F_RELATIVE_NODES folded onto them (nodes_fold by their
 * count, then nodes_onto); preferred keeps only the first node.
 * @param mode mode | mode flags
 * @param mask the policy's nodes
 * @param usable mems_allowed ∩ nodes with memory
 * @example
 * ```ts
 * expect(effectiveNodes(2 | 0x4000, Nodemask.of(1), Nodemask.of(4, 6)).toArray()).toEqual([6]);
 * ```
 */
export function effectiveNodes(mode: number, mask: Nodemask, usable: Nodemask): Nodemask {
  let nodes: Nodemask;
  if (mode & MPOL_F_RELATIVE_NODES) {
    const allowed = usable.toArray();
    const picked = new Set<number>();
    if (allowed.length) for (const n of mask.toArray()) picked.add(allowed[n % allowed.length]!);
    nodes = Nodemask.of(...picked);
  } else {
    nodes = mask.intersect(usable);
  }
  if ((mode & ~MPOL_MODE_FLAGS) === MPOL_PREFERRED && !nodes.isEmpty) nodes = Nodemask.of(nodes.toArray()[0]!);
  return nodes;
}

/**
 * The names of a mode's MPOL_F_* flags, in the order the kernel prints them.
 * @example Basic usage
 * ```ts
 * expect(modeFlagNames(0x8002 | 0x2000)).toEqual(["static", "balancing"]);
 * ```
 */
export function modeFlagNames(mode: number): string[] {
  return MODE_FLAGS.filter((f) => mode & f.kernel).map((f) => f.numaMaps);
}

/**
 * The policy text /proc/PID/numa_maps prints for a mapping with this policy (mpol_to_str):
 * "bind:0-1", "interleave=static:0", "prefer (many):2", "local", "default".
 * A mapping bound to "default" has no policy of its own, so numa_maps shows the task's policy;
 * pass that as `taskPolicyText` when it is not the default.
 * @example
 * ```ts
 * expect(numaMapsPolicyText(0x8002, Nodemask.of(0, 5), Nodemask.of(0))).toBe("bind=static:0");
 * ```
 */
export function numaMapsPolicyText(mode: number, mask: Nodemask, usable: Nodemask, taskPolicyText = "default"): string {
  const base = mode & ~MPOL_MODE_FLAGS;
  if (base === 0) return taskPolicyText;
  // PREFERRED with no nodes is stored as LOCAL since Linux 5.14.
  if (base === MPOL_PREFERRED && mask.isEmpty) return "local";
  let text = modeOfKernel(mode)?.numaMaps ?? "unknown";
  const flags = modeFlagNames(mode);
  if (flags.length) text += `=${flags.join("|")}`;
  const nodes = base === MPOL_LOCAL ? "" : effectiveNodes(mode, mask, usable).toList();
  return nodes ? `${text}:${nodes}` : text;
}
