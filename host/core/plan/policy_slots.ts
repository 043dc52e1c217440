import { MPOL_MODE_FLAGS, MPOL_WEIGHTED_INTERLEAVE, NO_MASK } from "../../../assembly/abi.ts";
import {
  type KernelPolicy, type NodeContext, type Nodemask, type PolicyInput, toKernelPolicy,
} from "../policy/mod.ts";
import { PolicyContents } from "./policy_content.ts";

/** Distinct policies a batch may use before their lookup goes through a Map. */
const RECENT_POLICIES = 8;

/**
 * The distinct policies of one batch, each resolved to the kernel's form once, by slot:
 * what a request record holds (mode, mask index) and the mask table the records index.
 * Batches reuse a few policy objects, so a lookup is an identity compare or a few (a Map only
 * past a handful of distinct policies); a fresh literal per request is found by its content
 * (policy_content.ts), so equal literals share one slot and one mask.
 * @example Basic usage
 * ```ts
 * const slots = new PolicySlots(undefined);
 * const bind0 = { mode: "bind", nodes: [0] } as const;
 * expect(slots.slotOf(bind0, "policy")).toBe(0);
 * expect(slots.slotOf(bind0, "policy")).toBe(0);
 * expect(slots.masks).toHaveLength(1);
 * ```
 */
export class PolicySlots {
  /** The mask table, in mask-index order. */
  readonly masks: Nodemask[] = [];
  /** Per slot: the kernel mode with its mode flags, and the mask index (NO_MASK for none). */
  readonly modes: number[] = [];
  readonly maskIndexes: number[] = [];
  /** Whether any slot is weighted-interleave (its blocks follow the kernel's weights). */
  weighted = false;
  private readonly _ctx: NodeContext | undefined;
  private readonly _seen: PolicyInput[] = [];
  private readonly _kernel: KernelPolicy[] = [];
  private readonly _byPolicy = new Map<PolicyInput, number>();
  private readonly _contents = new PolicyContents();

  /** @param ctx the node sets nodestrings are read against */
  constructor(ctx: NodeContext | undefined) { this._ctx = ctx; }

  /** The slot of a policy seen before (the same object, or a literal with the same content), or -1. */
  find(p: PolicyInput): number {
    const seen = this._seen;
    const s = seen.length <= RECENT_POLICIES ? seen.indexOf(p) : this._byPolicy.get(p) ?? -1;
    return s >= 0 ? s : this._contents.find(p);
  }

  /**
   * The slot of a policy, resolving (and checking) it the first time it is seen.
   * @param arg the argument errors blame, e.g. "requests[3].policy"
   */
  slotOf(p: PolicyInput, arg: string): number {
    const s = this.find(p);
    if (s >= 0) return s;
    const k = toKernelPolicy(p, arg, this._ctx);
    this._kernel.push(k);
    this.modes.push(k.mode >>> 0);
    this.maskIndexes.push(k.mask ? this.masks.push(k.mask) - 1 : NO_MASK);
    this.weighted ||= (k.mode & ~MPOL_MODE_FLAGS) === MPOL_WEIGHTED_INTERLEAVE;
    const seen = this._seen;
    seen.push(p);
    if (seen.length > RECENT_POLICIES) for (let j = this._byPolicy.size; j < seen.length; j++) this._byPolicy.set(seen[j]!, j);
    this._contents.add(p, seen.length - 1);
    return seen.length - 1;
  }

  /** The kernel form of a slot's policy. */
  kernel(slot: number): KernelPolicy { return this._kernel[slot]!; }
}
