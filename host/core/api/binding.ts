import { applyPlan, failureError, type BatchOptions, type BatchResult } from "../bind.ts";
import { leanBind } from "../bind_one.ts";
import type { Context } from "../context.ts";
import { planInEngine, planRequests, type BindRequest, type Plan, type PlanOptions } from "../plan.ts";
import type { BindFlags, PolicyInput } from "../policy.ts";
import type { Target } from "../target.ts";

/** Per-call options of bind(). */
export type BindOptions = Pick<PlanOptions, "unsafeRawAddress" | "pageSize">;

/**
 * Planning and binding ranges: plan() is pure (no syscall), bindBatch() applies a plan in one
 * FFI crossing, bind() is a batch of one.
 * @example
 * ```ts
 * const p = nb.plan([{ target: buf, policy: { mode: "interleave", nodes: "all" } }], { interleaveBlock: 2 << 20 });
 * expect(p.ops.every((op) => op.policy.nodes.size === 1)).toBe(true);
 * ```
 */
export interface BindingApi {
  plan(requests: readonly BindRequest[], opts?: PlanOptions): Plan;
  bind(target: Target, policy: PolicyInput, flags?: BindFlags, opts?: BindOptions): void;
  bindBatch(requests: readonly BindRequest[], opts?: PlanOptions & BatchOptions): BatchResult;
}

export function bindingApi(ctx: Context): BindingApi {
  const bindBatch = (requests: readonly BindRequest[], opts: PlanOptions & BatchOptions = {}): BatchResult =>
    applyPlan(ctx.backend, planInEngine(ctx.engine, requests, opts, ctx.facts()), !!opts.continueOnError);
  const one = leanBind(ctx);
  return {
    plan: (requests, opts = {}) => planRequests(ctx.engine, requests, opts, ctx.facts()),
    bindBatch,
    bind(target, policy, flags, opts = {}) {
      if (one(target, policy, flags, opts)) return;
      const r = bindBatch([flags === undefined ? { target, policy } : { target, policy, flags }], opts);
      if (!r.ok) throw failureError(r.failed[0]!);
    },
  };
}
