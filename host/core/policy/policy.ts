import {
  MPOL_F_NUMA_BALANCING, MPOL_F_RELATIVE_NODES, MPOL_F_STATIC_NODES, MPOL_MF_MOVE, MPOL_MF_MOVE_ALL,
  MPOL_MF_STRICT, MPOL_MODE_FLAGS,
} from "../../../assembly/abi.ts";
import { NumaError } from "../errors.ts";
import { type Mode, MODE_FLAGS, modeNamed, modeOfKernel, MODES } from "./modes.ts";
import { type NodeContext, Nodemask } from "./nodemask.ts";
import { fromOciPolicy, isOciPolicy } from "./oci_policy.ts";
import { booleanField, describeValue, refuseUnknownKeys } from "../shapes.ts";
import type { BindFlags, KernelPolicy, Policy, PolicyInput } from "./types.ts";

/**
 * Kernel mode numbers by name.
 * @example Basic usage
 * ```ts
 * expect(MODE_NUMBERS["preferred-many"]).toBe(5);
 * ```
 */
export const MODE_NUMBERS: Readonly<Record<Mode, number>> = Object.freeze(
  Object.fromEntries(MODES.map((m) => [m.name, m.kernel])) as Record<Mode, number>);

const NUMACTL_NAMES = MODES.flatMap((m) => m.numactl);
const POLICY_KEYS = ["mode", "nodes", ...MODE_FLAGS.map((f) => f.name)];
const OCI_KEYS = ["mode", "nodes", "flags"];
const FLAG_KEYS = ["strict", "move", "moveAll"];

/**
 * Turns a Policy (or an OCI memoryPolicy) into the kernel's (mode | flags, mask) pair,
 * checking its shape. Kernel rules (which modes take nodes, usable nodes) are the engine's.
 * @param p the policy
 * @param arg the argument name to blame in errors ("policy", "requests[3].policy")
 * @param ctx the nodes a nodestring is read against (this process's by default)
 * @returns the kernel form; mask is null when no nodes were given
 * @example
 * ```ts
 * expect(toKernelPolicy({ mode: "bind", nodes: [0], static: true }, "policy").mode).toBe(0x8002);
 * expect(toKernelPolicy({ mode: "membind", nodes: "0" }, "policy").mode).toBe(2);
 * ```
 */
export function toKernelPolicy(p: PolicyInput, arg: string, ctx?: NodeContext): KernelPolicy {
  if (p === null || typeof p !== "object") {
    throw new TypeError(`Cannot use ${arg}: a policy must be an object like { mode: "bind", nodes: [0] }, current value is ${String(p)}`);
  }
  const oci = isOciPolicy(p);
  refuseUnknownKeys(p, oci ? OCI_KEYS : POLICY_KEYS, arg, oci ? "OCI memory policies" : "policies");
  const pol: Policy = oci ? fromOciPolicy(p, arg, (s, a) => Nodemask.fromList(s, a)) : p;
  // numabind's names and numactl's (OCI names were turned into numabind's above).
  const info = typeof pol.mode === "string" && !pol.mode.startsWith("MPOL_") ? modeNamed(pol.mode) : undefined;
  if (info === undefined) {
    throw new TypeError(`Cannot use ${arg}.mode: it must be one of ${MODES.map((m) => m.name).join(", ")} (or numactl's ${NUMACTL_NAMES.join(", ")}, or an OCI MPOL_* name), current value is ${JSON.stringify(pol.mode)}`);
  }
  // The flags read by name, not through MODE_FLAGS: a keyed read per flag costs more than the
  // rest of resolving a fresh policy literal. The argument's name is built only on an error.
  const { static: st, relative: rel, balancing: bal } = pol;
  let mode = info.kernel;
  if (st === true) mode |= MPOL_F_STATIC_NODES; else if (st !== undefined && st !== false) booleanField(st, `${arg}.static`);
  if (rel === true) mode |= MPOL_F_RELATIVE_NODES; else if (rel !== undefined && rel !== false) booleanField(rel, `${arg}.relative`);
  if (bal === true) mode |= MPOL_F_NUMA_BALANCING; else if (bal !== undefined && bal !== false) booleanField(bal, `${arg}.balancing`);
  if (pol.nodes === undefined || pol.nodes === null) return { mode, mask: null };
  const mask = toMask(pol.nodes, `${arg}.nodes`, ctx);
  // Relative nodes are positions in the allowed set, not node ids.
  if (!(mode & MPOL_F_RELATIVE_NODES) && typeof pol.nodes !== "string") refuseUnconfigured(mask, ctx, arg);
  return { mode, mask };
}

function toMask(nodes: NonNullable<Policy["nodes"]>, arg: string, ctx: NodeContext | undefined): Nodemask {
  if (Nodemask.isNodemask(nodes)) return nodes;
  if (typeof nodes === "string") return Nodemask.parse(nodes, ctx, arg);
  if (Array.isArray(nodes)) {
    for (let i = 0; i < nodes.length; i++) {
      const n: unknown = nodes[i];
      if (typeof n !== "number" || !Number.isInteger(n) || n < 0 || n > 32767) {
        throw new RangeError(`Cannot use ${arg}[${i}]: nodes must be integers in 0..32767, current value is ${describeValue(n)}`);
      }
    }
    return Nodemask.of(...nodes);
  }
  throw new TypeError(`Cannot use ${arg}: nodes must be a nodestring, a number[] or a Nodemask, current value is ${describeValue(nodes)}`);
}

/**
 * Refuses nodes the machine does not have, in every form a policy names nodes (an array, a
 * Nodemask, an OCI list), as a nodestring is refused for them and as numactl refuses them:
 * the kernel would drop such a node silently. Checked against the planner's configured nodes
 * (a caller with no node context, such as numaMapsText(), is not checked).
 */
function refuseUnconfigured(mask: Nodemask, ctx: NodeContext | undefined, policyArg: string): void {
  const configured = ctx?.configured;
  if (configured === undefined) return;
  const set = Nodemask.isNodemask(configured) ? configured : Nodemask.of(...configured);
  if (mask.isSubsetOf(set)) return;
  const missing = mask.difference(set), arg = `${policyArg}.nodes`;
  throw new NumaError(`Cannot use ${arg}: node ${missing.toList()} ${missing.size > 1 ? "are" : "is"} not configured on this machine (configured nodes: ${set.toList() || "none"}), current value is ${mask.toList()}`,
    { code: "EINVAL", syscall: "validate", arg });
}

/**
 * Turns bind flags into MPOL_MF_* bits.
 * @example
 * ```ts
 * expect(toKernelFlags({ strict: true, move: true }, "flags")).toBe(3);
 * ```
 */
export function toKernelFlags(f: BindFlags | undefined, arg: string): number {
  if (f === undefined || f === null) return 0;
  if (typeof f !== "object") throw new TypeError(`Cannot use ${arg}: flags must be an object like { move: true }, current value is ${describeValue(f)}`);
  refuseUnknownKeys(f, FLAG_KEYS, arg, "bind flags");
  return (booleanField(f.strict, `${arg}.strict`) ? MPOL_MF_STRICT : 0) | (booleanField(f.move, `${arg}.move`) ? MPOL_MF_MOVE : 0)
    | (booleanField(f.moveAll, `${arg}.moveAll`) ? MPOL_MF_MOVE_ALL : 0);
}

/**
 * The Policy a kernel (mode | flags, mask) pair stands for: the reverse of toKernelPolicy.
 * @example
 * ```ts
 * expect(fromKernelPolicy(0x8002, Nodemask.of(0))).toMatchObject({ mode: "bind", static: true });
 * ```
 */
export function fromKernelPolicy(mode: number, mask: Nodemask): Policy & { mode: Mode; nodes: Nodemask } {
  const info = modeOfKernel(mode);
  if (info === undefined) throw new RangeError(`Cannot name kernel mode ${mode & ~MPOL_MODE_FLAGS}: it is newer than numabind`);
  const p: Policy & { mode: Mode; nodes: Nodemask } = { mode: info.name, nodes: mask };
  for (const f of MODE_FLAGS) if (mode & f.kernel) p[f.name] = true;
  return p;
}

/**
 * Name of a kernel mode number, mode flags ignored.
 * @example
 * ```ts
 * expect(modeName(0x8002)).toBe("bind");
 * ```
 */
export function modeName(mode: number): Mode | undefined {
  return modeOfKernel(mode)?.name;
}
