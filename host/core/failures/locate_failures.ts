import type { Context } from "../context.ts";
import { opReportedForm } from "../kernel/mod.ts";
import type { EnginePlan } from "../plan/mod.ts";
import { OP_WORDS, opAddr, opAt, opLen, opMask, opMode } from "../records/mod.ts";
import type { RawFailure } from "./batch_failures.ts";
import { type FailedRange, failureSites } from "./failure_site.ts";

/**
 * Where each failed op failed, read from the kernel after the fact (no snapshot was taken).
 * @example
 * ```ts
 * const raw = locateFailures(ctx, plan, [{ op: 2, errno: 14 }]);
 * ```
 */
export function locateFailures(ctx: Context, p: EnginePlan, failed: { op: number; errno: number }[]): RawFailure[] {
  if (failed.length === 0) return [];
  const u32 = p.engine.u32(), usable = ctx.usableNow();
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
