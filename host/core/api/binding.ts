import {
  applyHomeNodes, applyPlan, BATCH_OPTION_KEYS, type BatchOptions, type BatchResult, bindCarefully, leanBind, needsCarefulPath,
} from "../batch/mod.ts";
import type { Context } from "../context.ts";
import { failureError } from "../failures/mod.ts";
import { checkProgressOptions } from "../kernel/mod.ts";
import {
  BATCH_NAMES, type BindRequest, type Plan, PLAN_OPTION_KEYS, planInEngine, type PlannedOp, type PlanOptions,
  planRequests, type RangeBatch, SINGLE_NAMES,
} from "../plan/mod.ts";
import type { BindFlags, PolicyInput } from "../policy/mod.ts";
import { booleanField, checkOptions } from "../shapes.ts";
import type { Target } from "../targets/mod.ts";
import { type VerifyOptions, verifyPlacement, type VerifyReport } from "../verify/mod.ts";

/** Per-call options of bind(): the plan options (unsafeRawAddress, pageSize, the VMA budget's, ...). */
export type BindOptions = PlanOptions;

/**
 * Planning and binding ranges: plan() is pure (no syscall), bindBatch() applies a plan in one
 * FFI crossing (or in checked slices, see BatchOptions), bind() is a batch of one, verify()
 * compares a plan or a result with what the kernel reports.
 * @example Interleave blocks
 * ```ts
 * const p = nb.plan([{ target: buf, policy: { mode: "interleave", nodes: "all" } }], { interleaveBlock: 2 << 20 });
 * expect(p.ops.every((op) => op.policy.nodes.size === 1)).toBe(true);
 * ```
 */
export interface BindingApi {
  /**
   * Plans requests into the fewest mbind ops, without any syscall: pages aligned (buffers
   * shrink to the pages they fully own), overlaps resolved (the later request wins, or with
   * `overlap: "error"` refused), equal neighbours coalesced, blocks and chunks cut, and every op
   * checked against the kernel's rules. Throws a NumaError naming the request at fault.
   * @param requests targets with their policy and mbind flags
   * @param opts see PlanOptions (README "Plan options")
   * @returns the ops and statistics (requests, ops, coalesced, splits, estimatedVmas, overridden)
   * @example Coalescing neighbours
   * ```ts
   * import { alloc, plan, topology } from "numabind";
   * const page = topology().pageSize, buf = alloc(16 * page, { mode: "default" });
   * const policy = { mode: "bind", nodes: [0] } as const;
   * const p = plan([0, 8].map((at) => ({ target: new Uint8Array(buf, at * page, 8 * page), policy })));
   * expect(p.stats.ops).toBe(1);   // two requests, one mbind
   * ```
   */
  plan(requests: readonly BindRequest[] | RangeBatch, opts?: PlanOptions): Plan;
  /**
   * Sets the policy of the pages a buffer fully owns (mbind): one FFI call for a policy bound
   * before, one plan otherwise. Throws a NumaError when the policy is refused (before any
   * syscall) or the kernel fails (with the errno and an explanation).
   * @param target an ArrayBuffer, SharedArrayBuffer, typed array or DataView; a raw
   * { addr, length } needs opts.unsafeRawAddress
   * @param flags strict, move, moveAll (MPOL_MF_*)
   * @example Basic usage
   * ```ts
   * import { bind, getPolicy } from "numabind";
   * const ab = new ArrayBuffer(1 << 20);
   * bind(ab, { mode: "bind", nodes: [0] }, { move: true });
   * expect(getPolicy(ab).mode).toBe("bind");
   * ```
   */
  bind(target: Target, policy: PolicyInput, flags?: BindFlags, opts?: BindOptions): void;
  /**
   * Plans requests and applies the plan: one FFI crossing for every op, or with atomic,
   * skipUnchanged or onProgress a snapshot, checked slices and a rollback (README "Batches
   * you can trust"). Kernel failures come back in the result, not thrown; refused input throws.
   * @param opts plan options and BatchOptions
   * @returns ok, applied, syscalls, ops, skipped, failed (per failed op: request, errno,
   * code, message), rolledBack, restoreFailed, restoreSyscalls, stats
   * @example Alternating policies
   * ```ts
   * import { alloc, bindBatch, topology } from "numabind";
   * const page = topology().pageSize, buf = alloc(4 * page, { mode: "default" });
   * const hot = { mode: "bind", nodes: [0] } as const, cold = { mode: "interleave", nodes: [0] } as const;
   * const r = bindBatch([0, 1, 2, 3].map((i) => ({ target: new Uint8Array(buf, i * page, page), policy: i % 2 ? hot : cold })));
   * expect(r).toMatchObject({ ok: true, syscalls: 4 });
   * ```
   */
  bindBatch(requests: readonly BindRequest[] | RangeBatch, opts?: PlanOptions & BatchOptions): BatchResult;
  /**
   * Compares a plan, its ops, or a bindBatch() result with what the kernel reports now: the
   * policy of every mapping piece (get_mempolicy), the numa_maps text, and the node of every
   * touched page under a policy that confines pages. A result is checked for the ops that
   * took effect; a rolled-back one for the policies it restored.
   * @returns ok, the ops, pieces and pages checked, and each mismatch (unmapped, policy,
   * numa_maps, placement) with its range, expected and actual text
   * @example Basic usage
   * ```ts
   * import { alloc, bindBatch, verify } from "numabind";
   * const r = bindBatch([{ target: alloc(1 << 20, { mode: "default" }), policy: { mode: "bind", nodes: [0] } }]);
   * expect(verify(r).mismatches).toEqual([]);
   * ```
   */
  verify(planOrResult: Plan | BatchResult | readonly PlannedOp[], opts?: VerifyOptions): VerifyReport;
}

const BATCH_KEYS = [...PLAN_OPTION_KEYS, ...BATCH_OPTION_KEYS];

/** Checks the batch options before anything is planned or issued. */
function checkBatchOptions(o: PlanOptions & BatchOptions, keys: readonly string[], what: string): void {
  checkOptions(o, keys, what);
  for (const k of ["continueOnError", "atomic", "skipUnchanged"] as const) booleanField(o[k], `opts.${k}`);
  if (o.atomic && o.continueOnError) {
    throw new TypeError("Cannot bind: atomic and continueOnError exclude each other (an atomic batch stops at its first failure and undoes what it applied)");
  }
  checkProgressOptions(o);
}

/**
 * Builds the binding group over a context (createNumabind merges it into the API).
 * @example Basic usage
 * ```ts
 * const { plan } = bindingApi(createContext(openBackend()));
 * expect(plan([]).stats.ops).toBe(0);
 * ```
 */
export function bindingApi(ctx: Context): BindingApi {
  // Each buffer a batch binds is noted before the kernel sees it: its policy ends with it.
  const note = (buf: ArrayBufferLike, base: number): void => ctx.bound.note(buf, base);
  const batch = (requests: readonly BindRequest[] | RangeBatch, opts: PlanOptions & BatchOptions, forVerify: boolean): BatchResult => {
    ctx.engine.refuseWhileApplying(forVerify ? "bind a batch" : "bind");
    if (forVerify) checkBatchOptions(opts, BATCH_KEYS, "bindBatch() options");
    const p = planInEngine(ctx.engine, requests, opts, ctx.facts(), forVerify ? BATCH_NAMES : SINGLE_NAMES, note);
    const r = needsCarefulPath(opts) ? bindCarefully(ctx, p, opts) : applyPlan(ctx, p, !!opts.continueOnError, forVerify);
    // Home nodes go onto policies that exist: after every op of the batch took effect.
    if (p.homes > 0 && r.ok && !r.rolledBack) r.syscalls += applyHomeNodes(ctx, p, r);
    return r;
  };
  const bindBatch = (requests: readonly BindRequest[] | RangeBatch, opts: PlanOptions & BatchOptions = {}): BatchResult => batch(requests, opts, true);
  return {
    plan(requests, opts = {}) {
      checkOptions(opts, PLAN_OPTION_KEYS, "plan() options");
      return planRequests(ctx.engine, requests, opts, ctx.facts());
    },
    bindBatch,
    // bind() is the lean path's own function (one call level less on every bind); what it
    // declines binds as a batch of one. Nothing verify() needs is kept: bind() returns nothing.
    bind: leanBind(ctx, (target, policy, flags, opts) => {
      const r = batch([flags === undefined ? { target, policy } : { target, policy, flags }], opts ?? {}, false);
      if (!r.ok) throw failureError(r.failed[0]!, SINGLE_NAMES);
    }),
    verify: (x, opts = {}) => verifyPlacement(ctx, x, opts),
  };
}
