import { pageUp } from "../_pages.ts";
import { failureError } from "../batch_failures.ts";
import { applyPlan } from "../bind.ts";
import type { Context } from "../context.ts";
import { invalid } from "../errors.ts";
import { planInEngine } from "../plan.ts";
import { checkPolicy } from "../validate_policy.ts";
import type { BindFlags, PolicyInput } from "../policy.ts";

/** Memory numabind maps itself, with a policy set before first touch. */
export interface MemoryApi {
  alloc(bytes: number | bigint, policy: PolicyInput, flags?: BindFlags): ArrayBuffer;
  free(buffer: ArrayBuffer): void;
  isFreed(buffer: ArrayBuffer): boolean;
}

/** Largest alloc() the core accepts; a backend may refuse less (Node's Buffer limit). */
const MAX_ALLOC = BigInt(Number.MAX_SAFE_INTEGER);

export function memoryApi(ctx: Context): MemoryApi {
  return {
    alloc(bytes, policy, flags) {
      if ((typeof bytes !== "number" || !Number.isSafeInteger(bytes)) && typeof bytes !== "bigint") {
        throw new TypeError(`Cannot alloc: bytes must be a safe integer or a bigint, current value is ${String(bytes)}`);
      }
      const n = BigInt(bytes);
      if (n <= 0n || n > MAX_ALLOC) throw invalid("bytes", `Cannot alloc: bytes must be in 1..2^53-1, current value is ${n}`);
      const page = BigInt(ctx.facts().pageSize);
      const length = pageUp(n, page);
      // The policy and flags are checked before anything is mapped.
      checkPolicy(ctx, policy, "policy", flags);
      const { addr, buffer } = ctx.allocations.map(length, Number(n));
      const request = { target: { addr, length }, policy, ...(flags ? { flags } : {}) };
      let r;
      try {
        r = applyPlan(ctx, planInEngine(ctx.engine, [request], { unsafeRawAddress: true }, ctx.facts()), false, false);
      } catch (e) {
        ctx.allocations.unmapNow(buffer);
        throw e;
      }
      if (!r.ok) {
        ctx.allocations.unmapNow(buffer);
        throw failureError(r.failed[0]!);
      }
      return buffer;
    },
    free: (buffer) => ctx.allocations.free(buffer),
    isFreed: (buffer) => ctx.allocations.isFreed(buffer),
  };
}
