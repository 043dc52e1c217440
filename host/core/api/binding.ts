import { failureError } from "../batch_failures.ts";
import type { BatchOptions, BatchResult } from "../batch_result.ts";
import { applyPlan } from "../bind.ts";
import { bindCarefully, needsCarefulPath } from "../bind_batch.ts";
import { leanBind } from "../bind_one.ts";
import type { Context } from "../context.ts";
import { planInEngine, planRequests, type BindRequest, type Plan, type PlannedOp, type PlanOptions } from "../plan.ts";
import type { BindFlags, PolicyInput } from "../policy.ts";
import { checkProgressOptions } from "../progress.ts";
import type { Target } from "../target.ts";
import { verifyPlacement, type VerifyOptions, type VerifyReport } from "../verify.ts";

/** Per-call options of bind(). */
export type BindOptions = Pick<PlanOptions, "unsafeRawAddress" | "pageSize">;

/**
 * Planning and binding ranges: plan() is pure (no syscall), bindBatch() applies a plan in one
 * FFI crossing (or in checked slices, see BatchOptions), bind() is a batch of one, verify()
 * compares a plan or a result with what the kernel reports.
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
  verify(planOrResult: Plan | BatchResult | readonly PlannedOp[], opts?: VerifyOptions): VerifyReport;
}

const BOOLEAN_OPTIONS = ["continueOnError", "atomic", "skipUnchanged"] as const;

/** Checks the batch options before anything is planned or issued. */
function checkBatchOptions(o: PlanOptions & BatchOptions): void {
  if (o === null || typeof o !== "object") throw new TypeError(`Cannot bind: options must be an object, current value is ${String(o)}`);
  for (const k of BOOLEAN_OPTIONS) {
    if (o[k] !== undefined && typeof o[k] !== "boolean") throw new TypeError(`Cannot use opts.${k}: it must be a boolean, current value is ${typeof o[k]}`);
  }
  if (o.atomic && o.continueOnError) {
    throw new TypeError("Cannot bind: atomic and continueOnError exclude each other (an atomic batch stops at its first failure and undoes what it applied)");
  }
  checkProgressOptions(o);
}

export function bindingApi(ctx: Context): BindingApi {
  const batch = (requests: readonly BindRequest[], opts: PlanOptions & BatchOptions, forVerify: boolean): BatchResult => {
    checkBatchOptions(opts);
    const p = planInEngine(ctx.engine, requests, opts, ctx.facts());
    return needsCarefulPath(opts) ? bindCarefully(ctx, p, opts) : applyPlan(ctx, p, !!opts.continueOnError, forVerify);
  };
  const bindBatch = (requests: readonly BindRequest[], opts: PlanOptions & BatchOptions = {}): BatchResult => batch(requests, opts, true);
  const one = leanBind(ctx);
  return {
    plan: (requests, opts = {}) => planRequests(ctx.engine, requests, opts, ctx.facts()),
    bindBatch,
    bind(target, policy, flags, opts = {}) {
      if (one(target, policy, flags, opts)) return;
      // Nothing verify() needs is kept: bind() returns nothing to verify.
      const r = batch([flags === undefined ? { target, policy } : { target, policy, flags }], opts, false);
      if (!r.ok) throw failureError(r.failed[0]!);
    },
    verify: (x, opts = {}) => verifyPlacement(ctx, x, opts),
  };
}
