import {
  MPOL_BIND, MPOL_DEFAULT, MPOL_F_NUMA_BALANCING, MPOL_F_RELATIVE_NODES, MPOL_F_STATIC_NODES,
  MPOL_INTERLEAVE, MPOL_LOCAL, MPOL_MF_MOVE, MPOL_MF_MOVE_ALL, MPOL_MF_STRICT, MPOL_MODE_FLAGS,
  MPOL_PREFERRED, MPOL_PREFERRED_MANY, MPOL_WEIGHTED_INTERLEAVE,
} from "../../../assembly/abi.ts";
import { Nodemask, type NodeContext } from "./nodemask.ts";
import { fromOciPolicy, isOciPolicy, type OciMemoryPolicy } from "./oci_policy.ts";

/** Memory policy modes, named as numactl names them. */
export type Mode = "default" | "preferred" | "bind" | "interleave" | "local"
  | "preferred-many" | "weighted-interleave";

/** numactl's option names that differ from the mode names: --membind and --localalloc. */
export type NumactlMode = "membind" | "localalloc";

/** A memory policy: a mode, its nodes, and the kernel's MPOL_F_* mode flags. */
export interface Policy {
  mode: Mode | NumactlMode;
  /** A nodestring ("0-3,!2", read against this process's nodes), number[] or Nodemask. */
  nodes?: string | number[] | Nodemask;
  static?: boolean;
  relative?: boolean;
  balancing?: boolean;
}

/** What a policy argument accepts: a Policy, or the OCI runtime-spec memoryPolicy form. */
export type PolicyInput = Policy | OciMemoryPolicy;

/** mbind flags (MPOL_MF_*). */
export interface BindFlags { strict?: boolean; move?: boolean; moveAll?: boolean }

/** Kernel mode numbers by name. */
export const MODE_NUMBERS: Readonly<Record<Mode, number>> = Object.freeze({
  default: MPOL_DEFAULT, preferred: MPOL_PREFERRED, bind: MPOL_BIND, interleave: MPOL_INTERLEAVE,
  local: MPOL_LOCAL, "preferred-many": MPOL_PREFERRED_MANY, "weighted-interleave": MPOL_WEIGHTED_INTERLEAVE,
});

const ALIASES: Readonly<Record<NumactlMode, Mode>> = Object.freeze({ membind: "bind", localalloc: "local" });

const MODE_NAMES: readonly Mode[] = Object.keys(MODE_NUMBERS).sort(
  (a, b) => MODE_NUMBERS[a as Mode] - MODE_NUMBERS[b as Mode]) as Mode[];

/** A policy as the kernel takes it: mode number with flags OR-ed in, and a mask or NULL. */
export interface KernelPolicy { mode: number; mask: Nodemask | null }

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
  const pol: Policy = isOciPolicy(p) ? fromOciPolicy(p, arg, (s, a) => Nodemask.fromList(s, a)) : p;
  const name = Object.hasOwn(ALIASES, pol.mode) ? ALIASES[pol.mode as NumactlMode] : pol.mode as Mode;
  const base = Object.hasOwn(MODE_NUMBERS, name) ? MODE_NUMBERS[name] : undefined;
  if (base === undefined) {
    throw new TypeError(`Cannot use ${arg}.mode: it must be one of ${MODE_NAMES.join(", ")} (or numactl's membind, localalloc, or an OCI MPOL_* name), current value is ${JSON.stringify(pol.mode)}`);
  }
  let mode = base;
  if (pol.static) mode |= MPOL_F_STATIC_NODES;
  if (pol.relative) mode |= MPOL_F_RELATIVE_NODES;
  if (pol.balancing) mode |= MPOL_F_NUMA_BALANCING;
  return { mode, mask: toMask(pol.nodes, `${arg}.nodes`, ctx) };
}

function toMask(nodes: Policy["nodes"], arg: string, ctx: NodeContext | undefined): Nodemask | null {
  if (nodes === undefined || nodes === null) return null;
  if (nodes instanceof Nodemask) return nodes;
  if (typeof nodes === "string") return Nodemask.parse(nodes, ctx, arg);
  if (Array.isArray(nodes)) {
    for (const n of nodes) {
      if (typeof n !== "number" || !Number.isInteger(n) || n < 0 || n > 32767) {
        throw new RangeError(`Cannot use ${arg}: nodes must be integers in 0..32767, current value is ${JSON.stringify(n)}`);
      }
    }
    return Nodemask.of(...nodes);
  }
  throw new TypeError(`Cannot use ${arg}: nodes must be a nodestring, a number[] or a Nodemask, current value is ${typeof nodes}`);
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
  if (typeof f !== "object") throw new TypeError(`Cannot use ${arg}: flags must be an object like { move: true }, current value is ${String(f)}`);
  for (const k in f) {
    const v = (f as Record<string, unknown>)[k];
    if (k !== "strict" && k !== "move" && k !== "moveAll") throw new TypeError(`Cannot use ${arg}.${k}: bind flags are strict, move and moveAll`);
    if (v !== undefined && typeof v !== "boolean") throw new TypeError(`Cannot use ${arg}.${k}: it must be a boolean, current value is ${typeof v}`);
  }
  return (f.strict ? MPOL_MF_STRICT : 0) | (f.move ? MPOL_MF_MOVE : 0) | (f.moveAll ? MPOL_MF_MOVE_ALL : 0);
}

/**
 * The Policy a kernel (mode | flags, mask) pair stands for: the reverse of toKernelPolicy.
 * @example
 * ```ts
 * expect(fromKernelPolicy(0x8002, Nodemask.of(0))).toMatchObject({ mode: "bind", static: true });
 * ```
 */
export function fromKernelPolicy(mode: number, mask: Nodemask): Policy & { mode: Mode; nodes: Nodemask } {
  const name = MODE_NAMES[mode & ~MPOL_MODE_FLAGS];
  if (name === undefined) throw new RangeError(`Cannot name kernel mode ${mode & ~MPOL_MODE_FLAGS}: it is newer than numabind`);
  const p: Policy & { mode: Mode; nodes: Nodemask } = { mode: name, nodes: mask };
  if (mode & MPOL_F_STATIC_NODES) p.static = true;
  if (mode & MPOL_F_RELATIVE_NODES) p.relative = true;
  if (mode & MPOL_F_NUMA_BALANCING) p.balancing = true;
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
  return MODE_NAMES[mode & ~MPOL_MODE_FLAGS];
}
