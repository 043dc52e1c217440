import { NO_MASK } from "../../../assembly/abi.ts";
import { NumaError } from "../errors.ts";
import { type BindFlags, Nodemask, type PolicyInput } from "../policy/mod.ts";
import { opAt, opFlags, opMask, opMode } from "../records/mod.ts";
import { planInEngine } from "./plan.ts";
import type { EnginePlan, PlanContext } from "./types.ts";

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
  const rename = (t: string): string => t.replace(/Cannot (bind|plan|use) requests\[0\]/g, `Cannot use ${arg}`)
    .replaceAll("requests[0].policy", arg).replaceAll("requests[0].flags", "flags").replaceAll("requests[0]", arg);
  let p;
  try {
    p = planInEngine(ctx.engine, [{ target: { addr: page, length: page }, policy, ...(flags ? { flags } : {}) }], { unsafeRawAddress: true, maxMapCount: 0 }, facts);
  } catch (e) {
    // Name the caller's argument, not the engine's request list.
    if (e instanceof NumaError) {
      throw new NumaError(rename(e.message), {
        code: e.code, errno: e.errno, syscall: e.syscall, cause: e,
        ...(e.arg !== undefined ? { arg: rename(e.arg) } : {}),
      });
    }
    if (e instanceof Error) e.message = rename(e.message);
    throw e;
  }
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
