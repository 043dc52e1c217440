import { OP_SIZE } from "../../../assembly/abi.ts";
import type { Context } from "../context.ts";
import { unsupported } from "../errors.ts";
import { describeFailures, locateFailures } from "../failures/mod.ts";
import type { EnginePlan } from "../plan/mod.ts";
import type { BatchResult } from "./batch_result.ts";
import { attachKeptOps, keepOps } from "./expectations.ts";

// The plain path of bindBatch(): a planned batch goes to the kernel in one FFI crossing
// (bind_batch.ts has the path with options; batch_result.ts the result's type).

/**
 * Checks that the backend can bind at all.
 * @example
 * ```ts
 * requireMbind(ctx);   // throws ENOSYS on a backend without mbind
 * ```
 */
export function requireMbind(ctx: Context): void {
  if (!ctx.backend.mbindBatch) {
    throw unsupported("bind", ctx.backend.name, "mbind");
  }
}

/**
 * Sends a planned batch to the kernel in one FFI crossing (the plain path: no snapshot, no
 * progress). Failures are located and attributed to requests after the fact.
 * @param forVerify keep what verify() needs with the result (the ops' ranges and policies);
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
  const kept = forVerify ? keepOps(p) : undefined; // before the views: it may grow the memory
  const u8 = p.engine.u8();
  const ops = u8.subarray(p.opsAt, p.opsAt + p.count * OP_SIZE);
  const masks = u8.subarray(p.masksAt, p.masksAt + Math.max(1, p.engine.x.plan_mask_count()) * p.maskWords * 8);
  const errnos = u8.subarray(p.errnosAt, p.errnosAt + p.count * 4);
  const syscalls = ctx.backend.mbindBatch!(ops, p.count, masks, p.maskWords, errnos, continueOnError);
  // Every call counts against one ledger of mappings (plan/vma_budget.ts fitsMapBudget).
  ctx.facts().kernel?.noteMappings(p.stats.estimatedVmas);
  // Views again: nothing above grows the engine's memory, but a backend may have run JS.
  const mem = p.engine.u8();
  const e32 = new Int32Array(mem.buffer, mem.byteOffset + p.errnosAt, p.count);
  const bad: { op: number; errno: number }[] = [];
  // Without continueOnError the batch stops at its first failure: only the last op attempted
  // can have failed.
  for (let i = continueOnError ? 0 : Math.max(0, syscalls - 1); i < syscalls; i++) {
    if (e32[i] !== 0) bad.push({ op: i, errno: e32[i]! });
  }
  result.syscalls = syscalls;
  result.applied = syscalls - bad.length;
  if (kept) {
    // Which ops took effect: the first `syscalls`, less the failed ones.
    const failed = bad.length ? new Set(bad.map((b) => b.op)) : undefined;
    attachKeptOps(result, kept, (k) => k < syscalls && !failed?.has(k));
  }
  if (bad.length) {
    result.ok = false;
    result.failed = describeFailures(p, locateFailures(ctx, p, bad));
  }
  return result;
}
