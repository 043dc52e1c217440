import { NO_MASK } from "../../../assembly/abi.ts";
import { type BindFlags, Nodemask, type PolicyInput } from "../policy/mod.ts";
import { opAt, opFlags, opMask, opMode } from "../records/mod.ts";
import { planInEngine } from "./plan.ts";
import type { EnginePlan, PlanContext, RequestNames } from "./types.ts";

/** A policy the engine accepted, in the form the kernel takes. */
export interface CheckedPolicy {
  /** mode | MPOL_F_* mode flags. */
  mode: number;
  /** `words` u64 words, or null for a NULL mask. */
  mask: Uint8Array | null;
  words: number;
  nodes: Nodemask | null;
}

/**
 * Checks a policy (and mbind flags) with the engine's rules (the same checks bind() applies,
 * so set_mempolicy and alloc() refuse what mbind would) and returns it in kernel form. It plans
 * the policy over one page-aligned dummy range, which the engine validates without any
 * syscall; the dummy range counts against no mapping budget.
 * @param arg the argument name errors should blame ("policy")
 * @example
 * ```ts
 * expect(checkPolicy(ctx, { mode: "bind", nodes: [0] }, "policy").mode).toBe(2);
 * ```
 */
export function checkPolicy(ctx: PlanContext, policy: PolicyInput, arg: string, flags?: BindFlags): CheckedPolicy {
  const facts = ctx.facts();
  const page = BigInt(facts.pageSize);
  // Errors name the caller's argument, not the engine's request list.
  const names: RequestNames = { act: () => `use ${arg}`, field: (_, name) => (name === "policy" ? arg : name) };
  const p = planInEngine(ctx.engine, [{ target: { addr: page, length: page }, policy, ...(flags ? { flags } : {}) }],
    { unsafeRawAddress: true, maxMapCount: 0 }, facts, names);
  const k = kernelForm(p, 0);
  return { mode: k.mode, mask: k.mask, words: k.words, nodes: k.mask ? Nodemask.fromWords(new Uint32Array(k.mask.buffer)) : null };
}

/**
 * Op `i` of an engine plan as the kernel takes it: mode, mbind flags, and a copy of its mask.
 * @example
 * ```ts
 * expect(kernelForm(plan, 0).words).toBe(plan.maskWords);
 * ```
 */
export function kernelForm(p: EnginePlan, i: number): { mode: number; flags: number; mask: Uint8Array | null; words: number } {
  const u8 = p.engine.u8(), u32 = p.engine.u32(), o = opAt(i, p.opsAt >>> 2);
  const maskIndex = opMask(u32, o);
  const bytes = p.maskWords * 8;
  return {
    mode: opMode(u32, o), flags: opFlags(u32, o), words: p.maskWords,
    mask: maskIndex === NO_MASK ? null : u8.slice(p.masksAt + maskIndex * bytes, p.masksAt + (maskIndex + 1) * bytes),
  };
}
