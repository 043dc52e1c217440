import { NO_MASK } from "../../../assembly/abi.ts";
import type { EnginePlan } from "../plan/mod.ts";
import { Nodemask } from "../policy/mod.ts";
import { OP_WORDS, opAddr, opAt, opLen, opMask, opMode } from "../records/mod.ts";
import type { BatchResult } from "./batch_result.ts";
import { digestOps, forEachDigestOp, type OpDigest } from "./op_digest.ts";

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
    const o = opAt(k), addr = opAddr(ops32, o);
    out.push({ addr, end: addr + opLen(ops32, o), mode: opMode(ops32, o), nodes: maskNodes(masks, masks32, maskWords, opMask(ops32, o)), op: k });
  }
  return out;
}

/** A plan's ops and masks as verify() needs them, out of the engine's memory. */
export interface KeptOps {
  /** The ops' ranges and policies (op_digest.ts), or else a copy of the records. */
  digest: OpDigest | undefined;
  ops32: Uint32Array | undefined;
  masks32: Uint32Array;
  maskWords: number;
}

/**
 * Takes out of the engine (whose memory the next plan reuses) what verify() needs of a plan.
 * Call it before applying the plan and before taking views of the engine's memory for that
 * (it may grow the memory): the ops are still in the CPU's caches then, and after thousands
 * of mbind calls they are not.
 * @example
 * ```ts
 * const kept = keepOps(plan);
 * const syscalls = backend.mbindBatch(...);
 * attachKeptOps(result, kept, (k) => k < syscalls);
 * ```
 */
export function keepOps(p: EnginePlan): KeptOps {
  const digest = digestOps(p); // first: it may grow the engine's memory
  const u32 = p.engine.u32(), at = p.opsAt >>> 2;
  const masks32 = u32.slice(p.masksAt >>> 2, (p.masksAt >>> 2) + Math.max(1, p.engine.x.plan_mask_count()) * p.maskWords * 2);
  return { digest, ops32: digest ? undefined : u32.slice(at, at + p.count * OP_WORDS), masks32, maskWords: p.maskWords };
}

/**
 * Attaches kept ops to a batch result as the expectations verify() checks, for the ops that
 * took effect (`include`).
 * @example
 * ```ts
 * attachKeptOps(result, keepOps(plan), (k) => k < result.syscalls);
 * ```
 */
export function attachKeptOps(result: BatchResult, kept: KeptOps, include: (k: number) => boolean): void {
  const { digest, ops32, masks32, maskWords } = kept;
  attachExpectations(result, digest
    ? () => digestExpectations(digest, masks32, maskWords, include)
    : () => opExpectations(ops32!, masks32, maskWords, include));
}

/** Expectations from an op digest, for the ops `include` picks (as opExpectations). */
function digestExpectations(d: OpDigest, masks32: Uint32Array, maskWords: number,
  include: (k: number) => boolean): Expectation[] {
  const out: Expectation[] = [];
  const masks = new Map<number, Nodemask>();
  forEachDigestOp(d, (k, addr, end, mode, mi) => {
    if (include(k)) out.push({ addr, end, mode, nodes: maskNodes(masks, masks32, maskWords, mi), op: k });
  });
  return out;
}

/** Op mask `mi` as a Nodemask (null for NO_MASK), built once per mask. */
function maskNodes(masks: Map<number, Nodemask>, masks32: Uint32Array, maskWords: number, mi: number): Nodemask | null {
  if (mi === NO_MASK) return null;
  let nodes = masks.get(mi);
  if (nodes === undefined) {
    nodes = Nodemask.fromWords(masks32.slice(mi * maskWords * 2, (mi + 1) * maskWords * 2));
    masks.set(mi, nodes);
  }
  return nodes;
}
