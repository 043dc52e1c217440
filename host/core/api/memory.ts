import { applyPlan } from "../batch/mod.ts";
import type { Context } from "../context.ts";
import { invalid } from "../errors.ts";
import { failureError } from "../failures/mod.ts";
import { checkPolicy, fitsMapBudget, mapBudgetError, planInEngine, type RequestNames } from "../plan/mod.ts";
import type { BindFlags, PolicyInput } from "../policy/mod.ts";
import { describeValue } from "../shapes.ts";
import { pageUp } from "../targets/mod.ts";

/** Memory numabind maps itself, with a policy set before first touch. */
export interface MemoryApi {
  /**
   * Maps fresh anonymous memory, sets its policy before any page is touched, and returns an
   * ArrayBuffer aliasing it (rounded up to whole pages in the mapping). The policy is checked
   * first: nothing is mapped when it is refused, and nothing stays mapped when mbind fails.
   * @param bytes 1 .. 2^53 - 1 (Node refuses buffers above buffer.constants.MAX_LENGTH)
   * @example Basic usage
   * ```ts
   * import { alloc, free, getPolicy } from "numabind";
   * const buf = alloc(64 << 20, { mode: "interleave", nodes: [0] });
   * new Float64Array(buf).fill(1);   // pages are placed as they are first written
   * expect(getPolicy(buf).mode).toBe("interleave");
   * free(buf);
   * ```
   */
  alloc(bytes: number | bigint, policy: PolicyInput, flags?: BindFlags): ArrayBuffer;
  /**
   * Gives an alloc()ed buffer's pages back to the kernel at once. The range becomes an empty
   * mapping (stale views read zeros instead of crashing); it is unmapped when the buffer is
   * garbage-collected. Throws for a buffer alloc() did not return, or one freed already.
   * @example Basic usage
   * ```ts
   * import { alloc, free } from "numabind";
   * const buf = alloc(1 << 20, { mode: "bind", nodes: [0] });
   * free(buf);
   * expect(() => free(buf)).toThrow(/already freed/);
   * ```
   */
  free(buffer: ArrayBuffer): void;
  /**
   * Whether free() has released this buffer (false for any buffer alloc() did not return).
   * @example Basic usage
   * ```ts
   * import { alloc, free, isFreed } from "numabind";
   * const buf = alloc(1 << 20, { mode: "default" });
   * free(buf);
   * expect(isFreed(buf)).toBe(true);
   * ```
   */
  isFreed(buffer: ArrayBuffer): boolean;
}

/** alloc()'s one request is its fresh mapping: errors name alloc()'s own arguments. */
const ALLOC_NAMES: RequestNames = { act: () => "alloc", field: (_, name) => (name === "target" ? "bytes" : name) };

/** Largest alloc() the core accepts; a backend may refuse less (Node's Buffer limit). */
const MAX_ALLOC = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Builds the memory group over a context (createNumabind merges it into the API).
 * @example Basic usage
 * ```ts
 * const { alloc, free } = memoryApi(createContext(openBackend()));
 * free(alloc(1 << 20, { mode: "default" }));
 * ```
 */
export function memoryApi(ctx: Context): MemoryApi {
  return {
    alloc(bytes, policy, flags) {
      ctx.engine.refuseWhileApplying("allocate");
      if ((typeof bytes !== "number" || !Number.isSafeInteger(bytes)) && typeof bytes !== "bigint") {
        throw new TypeError(`Cannot alloc: bytes must be a safe integer or a bigint, current value is ${describeValue(bytes)}`);
      }
      const n = BigInt(bytes);
      if (n <= 0n || n > MAX_ALLOC) throw invalid("bytes", `Cannot alloc: bytes must be in 1..2^53-1, current value is ${n}`);
      const page = BigInt(ctx.facts().pageSize);
      const length = pageUp(n, page);
      // The policy, the flags and the mapping budget are checked before anything is mapped.
      checkPolicy(ctx, policy, "policy", flags);
      const k = ctx.facts().kernel;
      if (k && !fitsMapBudget(k, 1)) throw mapBudgetError(k, 1, "alloc", "bytes");
      const { addr, buffer } = ctx.allocations.map(length, Number(n));
      // Its policy ends with its mapping; kept out of the resets of collected buffers.
      ctx.bound.noteOwned(buffer, Number(addr), Number(length));
      const request = { target: { addr, length }, policy, ...(flags ? { flags } : {}) };
      let r;
      try {
        r = applyPlan(ctx, planInEngine(ctx.engine, [request], { unsafeRawAddress: true }, ctx.facts(), ALLOC_NAMES), false, false);
      } catch (e) {
        ctx.allocations.unmapNow(buffer);
        throw e;
      }
      if (!r.ok) {
        ctx.allocations.unmapNow(buffer);
        throw failureError(r.failed[0]!, ALLOC_NAMES);
      }
      return buffer;
    },
    free(buffer) {
      // Freeing replaces the mapping, and with it the policy a running batch is setting.
      ctx.engine.refuseWhileApplying("free a buffer");
      ctx.allocations.free(buffer);
    },
    isFreed: (buffer) => ctx.allocations.isFreed(buffer),
  };
}
