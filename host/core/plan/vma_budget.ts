import { E_VMA_BUDGET, OK } from "../../../assembly/abi.ts";
import type { Engine } from "../engine/mod.ts";
import { ERRNO, NumaError } from "../errors.ts";
import type { KernelFacts } from "../facts/mod.ts";
import { OP_WORDS, opAddr, opAt, opLen, opMask, opMode } from "../records/mod.ts";
import { type Mappings, readMappings } from "../system/mod.ts";
import { DEFAULT_MAP_RESERVE, type EngineOptions } from "./options.ts";

// The VMA budget: a plan must not take the process past vm.max_map_count (less a reserve for
// the runtime), where the kernel refuses to split mappings (mbind ENOMEM) and V8 aborts.

/**
 * Whether a call that adds up to `n` mappings (bind() of one range: 2, alloc(): 1) fits the
 * budget plans are held to, vm.max_map_count less DEFAULT_MAP_RESERVE: checked on the cached
 * count, then on a fresh one. A call that fits is noted (KernelFacts.noteMappings), so every
 * call, whichever path it takes, counts against the same ledger.
 * @example Basic usage
 * ```ts
 * if (!fitsMapBudget(ctx.facts().kernel, 2)) return false;   // bind() takes the batch path
 * ```
 */
export function fitsMapBudget(k: KernelFacts | undefined, n: number): boolean {
  if (!k) return true;
  const budget = k.maxMapCount - DEFAULT_MAP_RESERVE;
  if (k.mapCount(false) + n > budget && k.mapCount(true) + n > budget) return false;
  k.noteMappings(n);
  return true;
}

/**
 * The ENOMEM for a call that does not fit the budget (see fitsMapBudget), before it maps or
 * binds anything.
 * @param action what the caller asked for, as "Cannot <action>"
 * @example Basic usage
 * ```ts
 * if (!fitsMapBudget(k, 1)) throw mapBudgetError(k, 1, "alloc", "bytes");
 * ```
 */
export function mapBudgetError(k: KernelFacts, n: number, action: string, arg: string): NumaError {
  const count = k.mapCount(true), budget = k.maxMapCount - DEFAULT_MAP_RESERVE;
  return new NumaError(`Cannot ${action}: it adds up to ${n} mapping${n > 1 ? "s" : ""} (VMAs) to the ${count} this process has, which passes vm.max_map_count = ${k.maxMapCount} less the ${DEFAULT_MAP_RESERVE} kept free for the runtime (${count} + ${n} > ${budget}); a process at the limit can abort when the runtime needs memory; free memory you alloc()ed, bind neighbouring ranges to equal policies so they merge, or raise vm.max_map_count`,
    { code: "ENOMEM", errno: ERRNO.ENOMEM, syscall: "validate", arg });
}

/** Plans adding at most this many mappings may use a map count up to a second old. */
const FEW_MAPPINGS = 64;

/** The budget one plan is checked against, and the map count it starts from. */
export interface VmaBudget {
  /** The limit (PlanOptions.maxMapCount, else vm.max_map_count); 0: no budget. */
  maxMapCount: number;
  /** Mappings kept free below the limit for the runtime. */
  reserve: number;
  /** maxMapCount - reserve: what the engine plans against. */
  budget: number;
  /** Mappings the process has: given, or counted (up to a second old until settleBudget). */
  mapCount: number;
  /** Whether mapCount needs no fresh count: given, or no budget, or no kernel facts. */
  counted: boolean;
}

/**
 * The VMA budget for a plan. The map count costs ~1 µs per mapping to read, so the engine
 * first plans against one read in the last second; settleBudget checks a plan that adds many
 * mappings, or one the budget refuses, against a fresh count.
 * @example Basic usage
 * ```ts
 * const b = vmaBudget(engineOptions({ maxMapCount: 65530 }, 4096), readKernelFacts());
 * expect(b.budget).toBe(65530 - DEFAULT_MAP_RESERVE);
 * ```
 */
export function vmaBudget(o: Pick<EngineOptions, "maxMapCount" | "mapReserve" | "mapCount">, k: KernelFacts | undefined): VmaBudget {
  const maxMapCount = o.maxMapCount ?? k?.maxMapCount ?? 0;
  const reserve = maxMapCount === 0 ? 0 : Math.min(o.mapReserve, maxMapCount - 1);
  return {
    maxMapCount, reserve, budget: maxMapCount - reserve,
    mapCount: maxMapCount === 0 ? 0 : o.mapCount ?? k?.mapCount(false) ?? 0,
    counted: maxMapCount === 0 || o.mapCount !== undefined || !k,
  };
}

/**
 * Settles the budget after plan_run: a plan adding more than a few mappings, or one refused on
 * a cached count, is checked again on a fresh count (b.mapCount is updated). The engine's
 * estimate is an upper bound that ignores merges, so where it still fails the budget, the
 * change is bounded by the mappings the ops actually overlap (mappingDelta): binding a region
 * back to one policy (which merges its mappings) must work even at the limit, and a plan that
 * cannot raise the count never makes things worse, reserve or not.
 * @param code what plan_run returned
 * @returns the final code: OK, E_VMA_BUDGET, or the plan's own refusal unchanged
 * @example Basic usage
 * ```ts
 * const code = settleBudget(engine, engine.x.plan_run(), b, facts.kernel);
 * ```
 */
export function settleBudget(engine: Engine, code: number, b: VmaBudget, k: KernelFacts | undefined): number {
  const x = engine.x;
  if (!b.counted && (code === E_VMA_BUDGET || (code === OK && x.plan_estimated_vmas() > FEW_MAPPINGS))) {
    b.mapCount = k!.mapCount(true);
    code = x.plan_budget(b.mapCount, b.budget);
  }
  if (code === E_VMA_BUDGET && k) {
    const ops = x.plan_ops() >>> 2, n = x.plan_op_count();
    const delta = mappingDelta(engine.u32().subarray(ops, ops + n * OP_WORDS), n);
    if (delta <= 0 || b.mapCount + delta <= b.budget) code = OK;
  }
  return code;
}

/**
 * How many mappings (VMAs) applying `count` op records can add at most, given the mappings
 * the process has now: the engine's estimate assumes every group of adjacent ops splits a
 * mapping on both sides and merges with nothing, which refuses exactly the plan a process near
 * vm.max_map_count needs, binding a region back to one policy. For each group of adjacent ops
 * [s, e) with k policy runs over the mappings M it overlaps, the mappings afterwards are at
 * most k inside plus the parts of M's first and last mapping outside [s, e); so the group
 * changes the count by at most k + remainders - |M| (negative when it merges).
 * @param ops32 op records (abi.ts OP_*) as u32, sorted by address
 * @param mappings the mappings overlapping the ops (default: read from /proc/self/maps)
 * @example
 * ```ts
 * // One op over a region split into 1,000 mappings: the count drops by 999.
 * expect(mappingDelta(ops32, 1)).toBe(-999);
 * ```
 */
export function mappingDelta(ops32: Uint32Array, count: number, mappings?: Mappings): number {
  if (count === 0) return 0;
  const addr = (k: number): number => opAddr(ops32, opAt(k));
  const end = (k: number): number => addr(k) + opLen(ops32, opAt(k));
  const m = mappings ?? readMappings(addr(0), end(count - 1));
  let delta = 0, j = 0;
  for (let k = 0; k < count;) {
    const s = addr(k);
    let e = end(k), runs = 1;
    for (k++; k < count && addr(k) === e; k++) {
      // Ops differing only in mbind flags (or chunks of one run) leave one mapping.
      const o = opAt(k), prev = opAt(k - 1);
      if (opMode(ops32, o) !== opMode(ops32, prev) || opMask(ops32, o) !== opMask(ops32, prev)) runs++;
      e = end(k);
    }
    while (j < m.starts.length && m.ends[j]! <= s) j++;
    let overlapped = 0, remainders = 0;
    for (let i = j; i < m.starts.length && m.starts[i]! < e; i++) {
      if (overlapped === 0 && m.starts[i]! < s) remainders++;
      if (m.ends[i]! > e) remainders++;
      overlapped++;
    }
    delta += runs + remainders - overlapped;
  }
  return delta;
}
