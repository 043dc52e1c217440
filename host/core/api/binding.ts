import { applyPlan, failureError, type BatchOptions, type BatchResult } from "../bind.ts";
import { leanBind } from "../bind_one.ts";
import type { Context } from "../context.ts";
import { planInEngine, planRequests, type BindRequest, type Plan, type PlanOptions } from "../plan.ts";
import type { BindFlags, Policy } from "../policy.ts";
import type { Target } from "../target.ts";

/** Per-call options of bind(). */
export type BindOptions = Pick<PlanOptions, "unsafeRawAddress" | "pageSize">;

/** Planning and binding ranges. */
export interface BindingApi {
  plan(requests: readonly BindRequest[], opts?: PlanOptions): Plan;
  bind(target: Target, policy: Policy, flags?: BindFlags, opts?: BindOptions): void;
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
