import { OP_SIZE } from "../../assembly/abi.ts";
import { OP_WORDS, opAddr, opAt, opLen, opMask, opMode } from "./_op_record.ts";
import { describeFailures, type BatchFailure, type RawFailure } from "./batch_failures.ts";
import type { Context } from "./context.ts";
import { NumaError, unsupported } from "./errors.ts";
import { attachExpectations, opExpectations } from "./expectations.ts";
import { failureSites, type FailedRange } from "./failure_site.ts";
import type { EnginePlan, PlanStats } from "./plan.ts";
import type { ProgressCallback } from "./progress.ts";
import { opReportedForm } from "./reported_policy.ts";
import type { RestoreFailure } from "./rollback.ts";
import { usableNow } from "./usable_nodes.ts";

export type { BatchFailure } from "./batch_failures.ts";
export type { RestoreFailure } from "./rollback.ts";

/** Options for bindBatch beyond planning (README "Batches you can trust"). */
export interface BatchOptions {
  /** Apply the remaining ops after a failure instead of stopping. Excludes atomic. */
  continueOnError?: boolean;
  /**
   * Snapshot the policy of every mapping the plan touches first; if an op fails, put every
   * range the batch changed back to its exact prior policy and check it (rolledBack,
   * restoreFailed). Pages moved by move/moveAll stay where they went.
   */
  atomic?: boolean;
  /**
   * Issue no mbind for ops whose whole range already has exactly that policy (never for ops
   * with strict, move or moveAll). Default false: it costs a /proc/self/maps read and a
   * get_mempolicy per mapping, which only pays when most of a batch is already in force.
   */
  skipUnchanged?: boolean;
  /** Called with (ops done, ops in the plan, call info), at most once per progressIntervalMs and once at the end. */
  onProgress?: ProgressCallback;
  /** Least time between two progress calls (default 100 ms; 0: after every slice). */
  progressIntervalMs?: number;
}

/** What a batch did. */
export interface BatchResult {
  ok: boolean;
  /** Ops the kernel accepted (before any rollback). */
  applied: number;
  /** mbind syscalls issued for the batch (restores not included). */
  syscalls: number;
  /** Ops in the plan. */
  ops: number;
  /** Ops not issued because their range already had that policy (skipUnchanged). */
  skipped: number;
  failed: BatchFailure[];
  /** An atomic batch failed and every range it changed was restored and read back. */
  rolledBack: boolean;
  /** Ranges an atomic batch could not restore to their prior policy: never empty silently. */
  restoreFailed: RestoreFailure[];
  /** mbind syscalls the rollback issued. */
  restoreSyscalls: number;
  /** The plan's statistics. */
  stats: PlanStats;
}

/**
 * Checks that the backend can bind at all.
 * @example
 * ```ts
 * requireMbind(ctx.backend);   // throws ENOSYS on a backend without mbind
 * ```
 */
export function requireMbind(ctx: Context): void {
  if (!ctx.backend.mbindBatch) {
    throw unsupported("bind", ctx.backend.name, "mbind");
  }
}

/**
 * Copies what verify() needs out of the engine (its memory is reused by the next plan) and
 * attaches it to the result: the op records and masks, and which ops took effect.
 * @example
 * ```ts
 * keepForVerify(result, plan, (k) => k < result.syscalls);
 * ```
 */
export function keepForVerify(result: BatchResult, p: EnginePlan, include: (k: number) => boolean): void {
  const u32 = p.engine.u32();
  const ops32 = u32.slice(p.opsAt >>> 2, (p.opsAt >>> 2) + p.count * OP_WORDS);
  const masks32 = u32.slice(p.masksAt >>> 2, (p.masksAt >>> 2) + Math.max(1, p.engine.x.plan_mask_count()) * p.maskWords * 2);
  attachExpectations(result, () => opExpectations(ops32, masks32, p.maskWords, include));
}

/**
 * Where each failed op failed, read from the kernel after the fact (no snapshot was taken).
 * @example
 * ```ts
 * const raw = locateFailures(ctx, plan, [{ op: 2, errno: 14 }]);
 * ```
 */
export function locateFailures(ctx: Context, p: EnginePlan, failed: { op: number; errno: number }[]): RawFailure[] {
  if (failed.length === 0) return [];
  const u32 = p.engine.u32(), usable = usableNow(ctx);
  const masks32 = u32.subarray(p.masksAt >>> 2);
  const ops32 = u32.subarray(p.opsAt >>> 2, (p.opsAt >>> 2) + p.count * OP_WORDS);
  const wants = new Map<string, ReturnType<typeof opReportedForm>>();
  const ranges: FailedRange[] = failed.map((f) => {
    const o = opAt(f.op);
    const lo = opAddr(ops32, o);
    const key = `${opMode(ops32, o)}/${opMask(ops32, o)}`;
    let want = wants.get(key);
    if (!want) wants.set(key, want = opReportedForm(ops32, f.op, masks32, p.maskWords, usable));
    return { lo, hi: lo + opLen(ops32, o), errno: f.errno, want };
  });
  const sites = failureSites(ctx.backend, ranges, ctx.maskWords());
  return failed.map((f, i) => ({ op: f.op, errno: f.errno, at: sites[i]! }));
}

/**
 * Sends a planned batch to the kernel in one FFI crossing (the plain path: no snapshot, no
 * progress). Failures are located and attributed to requests after the fact.
 * @param forVerify keep what verify() needs with the result (a copy of the ops and masks);
 * false for callers that only look at ok and failed (bind(), alloc())
 * @example
 * ```ts
 * const r = applyPlan(ctx, planInEngine(ctx.engine, requests, {}, ctx.facts()), false);
 * ```
 */
export function applyPlan(ctx: Context, p: EnginePlan, continueOnError: boolean, forVerify = true): BatchResult {
  const result: BatchResult = {
    ok: true, applied: 0, syscalls: 0, ops: p.count, skipped: 0, failed: [], rolledBack: false,
    restoreFailed: [], restoreSyscalls: 0, stats: p.stats,
  };
  if (p.count === 0) return result;
  requireMbind(ctx);
  const u8 = p.engine.u8();
  const ops = u8.subarray(p.opsAt, p.opsAt + p.count * OP_SIZE);
  const masks = u8.subarray(p.masksAt, p.masksAt + Math.max(1, p.engine.x.plan_mask_count()) * p.maskWords * 8);
  const errnos = u8.subarray(p.errnosAt, p.errnosAt + p.count * 4);
  const syscalls = ctx.backend.mbindBatch!(ops, p.count, masks, p.maskWords, errnos, continueOnError);
  // Views again: nothing above grows the engine's memory, but a backend may have run JS.
  const mem = p.engine.u8();
  const e32 = new Int32Array(mem.buffer, mem.byteOffset + p.errnosAt, p.count);
  const bad: { op: number; errno: number }[] = [];
  for (let i = 0; i < syscalls; i++) if (e32[i] !== 0) bad.push({ op: i, errno: e32[i]! });
  result.syscalls = syscalls;
  result.applied = syscalls - bad.length;
  if (forVerify) {
    const status = e32.slice(0, syscalls);
    keepForVerify(result, p, (k) => k < syscalls && status[k] === 0);
  }
  if (bad.length) {
    result.ok = false;
    result.failed = describeFailures(p, locateFailures(ctx, p, bad));
  }
  return result;
}

/**
 * The NumaError for a failure of a batch.
 * @example
 * ```ts
 * if (!r.ok) throw failureError(r.failed[0]);
 * ```
 */
export function failureError(f: BatchFailure): NumaError {
  return new NumaError(f.message, {
    code: f.code, errno: f.errno, syscall: "mbind", index: f.index, arg: `requests[${f.index}].target`,
    range: { addr: f.op.addr, length: f.op.length },
  });
}
