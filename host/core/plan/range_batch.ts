import { KIND_BUFFER, REQ_SIZE } from "../../../assembly/abi.ts";
import { invalid } from "../errors.ts";
import { type BindFlags, type PolicyInput, toKernelFlags } from "../policy/mod.ts";
import { setBigU64, setU64 } from "../records/mod.ts";
import { bufferBases, bytesOf, freedBufferError, sharedPoolError, viewBuffer, viewLength, viewOffset } from "../targets/mod.ts";
import { describeValue } from "../shapes.ts";
import type { PolicySlots } from "./policy_slots.ts";
import type { BufferSink, PlanFacts } from "./types.ts";

const REQ_WORDS = REQ_SIZE >>> 2;

/**
 * Many ranges of one buffer as columns instead of one object per request: range i is
 * `offsets[i]`, `lengths[i]` bytes of `target` with `policies[policyIndex[i]]`, and behaves
 * exactly as the request `{ target: new Uint8Array(target, offsets[i], lengths[i]), policy }`
 * (request index i in results and errors). For batches of many small ranges it saves making a
 * view per range and reading it back (~75 ns a range, bench/bind.mjs).
 * @example Basic usage
 * ```ts
 * const batch: RangeBatch = {
 *   target: buf, offsets: Float64Array.of(0, 4096), lengths: Float64Array.of(4096, 4096),
 *   policies: [{ mode: "bind", nodes: [0] }, { mode: "interleave", nodes: [0] }],
 *   policyIndex: Uint8Array.of(0, 1),
 * };
 * ```
 */
export interface RangeBatch {
  /** The memory every range lies in (a buffer or a view: offsets count from its first byte). */
  target: ArrayBufferLike | ArrayBufferView;
  /** Byte offset of each range in target: non-negative integers. */
  offsets: ArrayLike<number>;
  /** Byte length of each range, as many as offsets; a range must lie inside target. */
  lengths: ArrayLike<number>;
  /** The policies the ranges use. */
  policies: readonly PolicyInput[];
  /** For each range, the index of its policy in policies. */
  policyIndex: ArrayLike<number>;
  /** mbind flags for every range (default none). */
  flags?: BindFlags;
}

/**
 * Whether a batch argument is the column form (anything but an array that has offsets).
 * @example
 * ```ts
 * expect(isRangeBatch([])).toBe(false);
 * expect(isRangeBatch({ target: buf, offsets: [], lengths: [], policies: [], policyIndex: [] })).toBe(true);
 * ```
 */
export function isRangeBatch(x: unknown): x is RangeBatch {
  return typeof x === "object" && x !== null && !Array.isArray(x) && "offsets" in x;
}

const { isView } = ArrayBuffer;

/** An array or typed array of numbers (BigInt arrays and DataViews refused), `n` long if given. */
function column(v: unknown, name: string, n?: number): ArrayLike<number> {
  const ok = Array.isArray(v) || (isView(v) && !(v instanceof DataView)
    && !(v instanceof BigInt64Array) && !(v instanceof BigUint64Array));
  if (!ok) throw new TypeError(`Cannot use requests.${name}: it must be an array or a typed array of numbers (not BigInt), current value is ${v === null ? "null" : typeof v}`);
  const c = v as ArrayLike<number>;
  if (n !== undefined && c.length !== n) throw new TypeError(`Cannot use requests.${name}: it has ${c.length} entries and requests.offsets has ${n}; each range needs one of each`);
  return c;
}

/**
 * The number of ranges in a column batch, after checking its shape (not its values).
 * @example
 * ```ts
 * expect(rangeCount({ target: buf, offsets: [0], lengths: [4096], policies: [p], policyIndex: [0] })).toBe(1);
 * ```
 */
export function rangeCount(b: RangeBatch): number {
  const n = column(b.offsets, "offsets").length;
  column(b.lengths, "lengths", n);
  column(b.policyIndex, "policyIndex", n);
  if (!Array.isArray(b.policies)) throw new TypeError(`Cannot use requests.policies: it must be an array of policies, current value is ${typeof b.policies}`);
  return n;
}

/**
 * Writes a column batch into the engine's request records (abi.ts REQ_*): the same records
 * writeRequestRecords makes for the equivalent request objects. Checks every range before
 * returning, so nothing is bound on a bad one.
 * @param at32 where the records start, in u32 words of `u32`
 * @returns the policy slot of range i (for error messages)
 * @example Basic usage
 * ```ts
 * const slotOfRange = writeRangeRecords(engine.u32(), base >>> 2, batch, slots, facts);
 * ```
 */
export function writeRangeRecords(u32: Uint32Array, at32: number, b: RangeBatch, slots: PolicySlots,
  facts: PlanFacts, onBuffer?: BufferSink): (i: number) => number {
  const n = b.offsets.length;
  const view = bytesOf(b.target, "requests.target");
  const buffer = viewBuffer(view);
  if (facts.isFreed?.(buffer)) {
    throw freedBufferError("requests.target", "bind requests.target");
  }
  if (facts.isSharedPool?.(buffer)) throw sharedPoolError("requests.target", "bind requests.target");
  const pslots = b.policies.map((p, j) => slots.slotOf(p, `requests.policies[${j}]`));
  const flags = b.flags === undefined ? 0 : toKernelFlags(b.flags, "requests.flags");
  const { offsets, lengths, policyIndex } = b, size = viewLength(view);
  const modes = slots.modes, maskIndexes = slots.maskIndexes;
  const base = (facts.bufferBase ?? bufferBases(facts.addressOf).bufferBase)(buffer);
  // Past 2^53 (never seen on Linux x86_64 or arm64 user space) addresses take BigInts.
  const bigStart = base === undefined ? facts.addressOf(view) : 0n;
  const start = base === undefined ? 0 : base + viewOffset(view);
  if (base !== undefined) onBuffer?.(buffer, base);
  for (let i = 0, at = at32; i < n; i++, at += REQ_WORDS) {
    const o = offsets[i]!, len = lengths[i]!, pi = policyIndex[i]!;
    // Number.isInteger, not x % 1: a double's % is a call into C in V8 (~20 ns a range).
    const s = typeof pi === "number" && pi >= 0 && pi < pslots.length && Number.isInteger(pi) ? pslots[pi] : undefined;
    if (typeof o !== "number" || typeof len !== "number" || !(o >= 0 && len >= 0 && o + len <= size)
      || !Number.isInteger(o) || !Number.isInteger(len)) throw outside(i, o, len, size);
    if (s === undefined) {
      throw invalid(`requests.policyIndex[${i}]`, `Cannot use requests.policyIndex[${i}]: ${describeValue(policyIndex[i])} is not an index into requests.policies (0..${b.policies.length - 1})`, { index: i });
    }
    if (base === undefined) setBigU64(u32, at, bigStart + BigInt(o));
    else setU64(u32, at, start + o);
    setU64(u32, at + 2, len);
    u32[at + 4] = modes[s]!;
    u32[at + 5] = flags;
    u32[at + 6] = maskIndexes[s]!;
    u32[at + 7] = KIND_BUFFER;
  }
  return (i) => pslots[policyIndex[i]!]!;
}

/** The error for range i when its offset or length is not an integer, or it leaves the target. */
function outside(i: number, o: unknown, len: unknown, size: number) {
  const arg = typeof o !== "number" || !(o >= 0) || o % 1 !== 0 ? `requests.offsets[${i}]` : `requests.lengths[${i}]`;
  const why = typeof o !== "number" || typeof len !== "number" || o % 1 !== 0 || len % 1 !== 0 || !(o >= 0 && len >= 0)
    ? `offset ${String(o)} and length ${String(len)} must be non-negative integers`
    : `bytes ${o}..${o + len} reach past the end of requests.target (${size} bytes); a range must lie inside the target`;
  return invalid(arg, `Cannot bind range ${i}: ${why}`, { index: i });
}
