import { NO_MASK } from "../../assembly/abi.ts";
import { OP_WORDS, opAddr, opAt, opLen, opMask, opMode } from "./_op_record.ts";
import type { BatchResult } from "./batch_result.ts";
import { Nodemask } from "./nodemask.ts";
import type { EnginePlan } from "./plan.ts";

/** A range and the policy the kernel should report for it (mbind's mode | mode flags, and mask). */
export interface Expectation {
  addr: number;
  end: number;
  mode: number;
  /** The mask as mbind took it; null for a NULL mask. */
  nodes: Nodemask | null;
  /** The op of the plan this range belongs to. */
  op: number;
}

/** Where a batch result keeps what verify() should find: a function, so nothing is built unless asked. */
const EXPECTATIONS = Symbol("numabind.expectations");

/**
 * Attaches to a batch result the ranges and policies verify() checks, as a hidden
 * (non-enumerable) property: results print and serialise as before.
 * @example
 * ```ts
 * attachExpectations(result, () => opExpectations(ops32, masks32, words, () => true));
 * expect(expectationsOf(result)).toBeDefined();
 * ```
 */
export function attachExpectations(result: object, make: () => Expectation[]): void {
  Object.defineProperty(result, EXPECTATIONS, { value: make, enumerable: false, configurable: true });
}

/**
 * The expectations attached to a batch result, or undefined for any other object.
 * @example
 * ```ts
 * expect(expectationsOf({})).toBeUndefined();
 * ```
 */
export function expectationsOf(result: object): Expectation[] | undefined {
  const make = (result as Record<symbol, unknown>)[EXPECTATIONS];
  return typeof make === "function" ? (make as () => Expectation[])() : undefined;
}

/**
 * Expectations from op records (abi.ts OP_*) and their mask table, for the ops `include` picks.
 * @param ops32 op records as u32 (a copy: the engine's memory is reused by the next plan)
 * @param masks32 the op mask table as u32 halves, `maskWords` u64 per mask
 * @example
 * ```ts
 * expect(opExpectations(ops32, masks32, 1, () => true)).toHaveLength(ops32.length / 8);
 * ```
 */
export function opExpectations(ops32: Uint32Array, masks32: Uint32Array, maskWords: number,
  include: (k: number) => boolean): Expectation[] {
  const out: Expectation[] = [];
  const masks = new Map<number, Nodemask>();
  for (let k = 0; k < ops32.length / OP_WORDS; k++) {
    if (!include(k)) continue;
    const o = opAt(k), mi = opMask(ops32, o);
    let nodes: Nodemask | null = null;
    if (mi !== NO_MASK) {
      nodes = masks.get(mi) ?? Nodemask.fromWords(masks32.slice(mi * maskWords * 2, (mi + 1) * maskWords * 2));
      masks.set(mi, nodes);
    }
    const addr = opAddr(ops32, o);
    out.push({ addr, end: addr + opLen(ops32, o), mode: opMode(ops32, o), nodes, op: k });
  }
  return out;
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
