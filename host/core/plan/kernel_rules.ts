import * as abi from "../../../assembly/abi.ts";
import { type Engine, writeControl } from "../engine/mod.ts";
import { ERRNO } from "../errors.ts";
import type { KernelFacts } from "../facts/mod.ts";
import { BALANCING_SINCE, MODE_SINCE, modeName, type Nodemask, releaseText } from "../policy/mod.ts";
import { MAX_MASK_WORDS } from "../records/mod.ts";

// The kernel's mbind rules live once, in the engine (assembly/validate.ts): the planner runs
// them on every op, and ruleVerdict() runs them on one call the kernel refused, so that the
// words a refusal and an explanation use come from the same verdict (ruleMessage()).

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
  /** Bit m set: mode m takes MPOL_F_NUMA_BALANCING here (default: a current kernel's). */
  balancingModes?: number;
}

/** One mbind(2) as the rules see it: the policy in kernel form, its flags and its range. */
export interface RuleCall {
  /** mode | MPOL_F_* mode flags. */
  mode: number;
  mask: Nodemask | null;
  /** MPOL_MF_* flags (default none). */
  flags?: number;
  /** The range (default: one aligned page, for calls with no range such as set_mempolicy). */
  range?: { addr: bigint; length: bigint };
}

/**
 * The engine's verdict on one call (validate_mbind): every rule mbind(2) checks, in the
 * kernel's order, under the given kernel facts and usable nodes.
 * @param usable mems_allowed ∩ nodes with memory
 * @param kernelPage the kernel's base page size
 * @returns a V_* verdict (assembly/abi.ts): V_OK or V_NOOP when the rules accept the call
 * @example Basic usage
 * ```ts
 * const k = readKernelFacts();
 * expect(ruleVerdict(sharedEngine(), { mode: 0, mask: Nodemask.of(0) }, k, Nodemask.of(0), 4096)).toBe(abi.V_DEFAULT_NODES);
 * ```
 */
export function ruleVerdict(engine: Engine, call: RuleCall, kernel: Pick<KernelFacts, "maxNumNodes" | "capSysNice" | "mpolMax" | "balancingModes">,
  usable: Nodemask, kernelPage: number): number {
  writeControl(engine, {
    pageSize: kernelPage, kernelPageSize: kernelPage, maxNumNodes: kernel.maxNumNodes, capSysNice: kernel.capSysNice,
    mpolMax: kernel.mpolMax, balancingModes: kernel.balancingModes,
  });
  engine.putMask(abi.SLOT_USABLE, usable.toWords(), MAX_MASK_WORDS);
  const words = call.mask ? call.mask.words64 : 1;
  if (call.mask) engine.putMask(abi.SLOT_A, call.mask.toWords(), words);
  const page = BigInt(kernelPage);
  const { addr, length } = call.range ?? { addr: page, length: page };
  return engine.x.validate_mbind(addr, length, call.mode, call.mask ? engine.x.mask_slot(abi.SLOT_A) : 0, words, call.flags ?? 0);
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
    case abi.V_BALANCING: return { arg: "policy.balancing", rule: balancingRule(base, name, f) };
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

/** Why balancing was refused: the mode never takes it, or this kernel is older than the mode's release. */
function balancingRule(base: number, name: string, f: RuleFacts): string {
  const since = base === abi.MPOL_BIND ? BALANCING_SINCE.mbind : base === abi.MPOL_PREFERRED_MANY ? BALANCING_SINCE.preferredMany : undefined;
  const takes = f.balancingModes ?? ((1 << abi.MPOL_BIND) | (1 << abi.MPOL_PREFERRED_MANY));
  if (since && (takes & (1 << base)) === 0) {
    return `balancing (MPOL_F_NUMA_BALANCING) with ${name} needs Linux ${releaseText(since)} or later, current mode is ${name}`;
  }
  return `balancing (MPOL_F_NUMA_BALANCING) goes only with bind${f.mpolMax > 6 ? ` or preferred-many (Linux ${releaseText(BALANCING_SINCE.preferredMany)}+)` : ""}, current mode is ${name}`;
}
