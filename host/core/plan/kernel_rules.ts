import * as abi from "../../../assembly/abi.ts";
import { ERRNO } from "../errors.ts";
import { BALANCING_SINCE, MODE_SINCE, modeName, releaseText } from "../policy/mod.ts";

/**
 * The errno mbind(2) returns for a verdict of the engine's validator (0 when it accepts).
 * @example
 * ```ts
 * expect(verdictErrno(abi.V_MOVE_ALL)).toBe(1);   // EPERM
 * expect(verdictErrno(abi.V_NOOP)).toBe(0);       // len 0: the kernel returns 0
 * ```
 */
export function verdictErrno(v: number): number {
  if (v === abi.V_OK || v === abi.V_NOOP) return 0;
  if (v === abi.V_MOVE_ALL) return ERRNO.EPERM;
  if (v === abi.V_FAULT) return ERRNO.EFAULT;
  return ERRNO.EINVAL;
}

/**
 * Verdict names, for test output and logs.
 * @example
 * ```ts
 * expect(verdictName(abi.V_NODES_REQUIRED)).toBe("V_NODES_REQUIRED");
 * ```
 */
export function verdictName(v: number): string {
  for (const [k, val] of Object.entries(abi)) if (k.startsWith("V_") && val === v) return k;
  return `V_${v}`;
}

/** The facts a rule message may quote. */
export interface RuleFacts {
  mode: number;
  nodes: string;
  flags: number;
  usable: string;
  maxNumNodes: number;
  mpolMax: number;
  kernelPage: number;
}


/**
 * The argument a verdict blames (a suffix of the request's name: "policy.mode", "flags", ...)
 * and the rule, in the "Cannot X: rule, current value is V" shape.
 * @example
 * ```ts
 * const r = ruleMessage(abi.V_NODES_REQUIRED, { mode: 2, nodes: "", flags: 0, usable: "0", maxNumNodes: 1024, mpolMax: 7, kernelPage: 4096 });
 * expect(r.arg).toBe("policy.nodes");
 * ```
 */
export function ruleMessage(v: number, f: RuleFacts): { arg: string; rule: string } {
  const base = f.mode & ~abi.MPOL_MODE_FLAGS;
  const name = modeName(f.mode) ?? `mode ${base}`;
  switch (v) {
    case abi.V_MODE: return { arg: "policy.mode", rule: base < abi.MPOL_MAX
      ? `this kernel knows modes 0..${f.mpolMax - 1}, and ${name} (${base}) needs Linux ${MODE_SINCE[base] ? releaseText(MODE_SINCE[base]) : "newer"} or later, current value is ${name}`
      : `the mode must be one of the kernel's MPOL_* modes (0..${f.mpolMax - 1}), current value is ${f.mode}` };
    case abi.V_STATIC_RELATIVE: return { arg: "policy.static", rule: "static and relative cannot be combined (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES), current value is both" };
    case abi.V_BALANCING: return { arg: "policy.balancing", rule: `balancing (MPOL_F_NUMA_BALANCING) goes only with bind${f.mpolMax > 6 ? ` or preferred-many (Linux ${releaseText(BALANCING_SINCE.preferredMany)}+)` : ""}, current mode is ${name}` };
    case abi.V_MASK_TOO_WIDE: return { arg: "policy.nodes", rule: `the mask is wider than the kernel reads (PAGE_SIZE * 8 = ${f.kernelPage * 8} bits), current value is ${f.nodes}` };
    case abi.V_MASK_BEYOND: return { arg: "policy.nodes", rule: `this kernel's nodemask holds nodes 0..${f.maxNumNodes - 1} (MAX_NUMNODES = ${f.maxNumNodes}), current value is ${f.nodes}` };
    case abi.V_FLAGS: return { arg: "flags", rule: `mbind takes only strict, move and moveAll (MPOL_MF_* 0x7), current value is 0x${f.flags.toString(16)}` };
    case abi.V_MOVE_ALL: return { arg: "flags.moveAll", rule: "moveAll needs CAP_SYS_NICE (MPOL_MF_MOVE_ALL moves pages other processes map too), which this process lacks; use move, which moves the pages only this process maps, current value is true" };
    case abi.V_UNALIGNED: return { arg: "target", rule: `a raw range must start on a ${f.kernelPage}-byte page boundary` };
    case abi.V_WRAP: return { arg: "target", rule: "the range wraps past the end of the address space" };
    case abi.V_DEFAULT_NODES: return { arg: "policy.nodes", rule: `mode default takes no nodes, current value is ${f.nodes}` };
    case abi.V_PREFERRED_FLAGS: return { arg: "policy.nodes", rule: "preferred without nodes means local allocation, which cannot be static or relative; give a node, current value is empty" };
    case abi.V_LOCAL_NODES: return { arg: "policy.nodes", rule: `mode local takes no nodes, current value is ${f.nodes}` };
    case abi.V_LOCAL_FLAGS: return { arg: "policy.static", rule: "mode local cannot be static or relative" };
    case abi.V_NODES_REQUIRED: return { arg: "policy.nodes", rule: `mode ${name} needs at least one node, current value is empty` };
    case abi.V_NODES_UNUSABLE: return { arg: "policy.nodes", rule: `none of its nodes (${f.nodes}) is usable here; a policy needs at least one node that is online, has memory and is in this task's Mems_allowed (usable: ${f.usable || "none"}), current value is ${f.nodes}` };
    default: return { arg: "policy", rule: `the kernel would refuse it (${verdictName(v)})` };
  }
}
