import { KIND_BUFFER, REQ_SIZE } from "../../../assembly/abi.ts";
import { toKernelFlags } from "../policy/mod.ts";
import { refuseUnknownKeys } from "../shapes.ts";
import { homeBits } from "./home_node.ts";
import { setBigU64, setU64 } from "../records/mod.ts";
import {
  bufferBases, extentOf, freedBufferError, isTypedArray, resolveTarget, sharedPoolError, viewBuffer, viewLength, viewOffset,
} from "../targets/mod.ts";
import type { PolicySlots } from "./policy_slots.ts";
import { BATCH_NAMES, type BindRequest, type RecordSink, type PlanFacts, type RequestNames } from "./types.ts";

const REQ_WORDS = REQ_SIZE >>> 2;
const REQUEST_KEYS = ["target", "policy", "flags", "homeNode"];

/**
 * Writes request objects into the engine's request records (abi.ts REQ_*), resolving each
 * distinct policy once. Per request only numbers: BigInt arithmetic, a view per request and
 * the garbage they leave cost ~0.7 µs per request, 6x the engine itself (bench/bind.mjs,
 * "batch"). Raw ranges and buffers past 2^53 take BigInts.
 * @param at32 where the records start, in u32 words of `u32`
 * @returns the policy slot of request i (for error messages)
 * @example Basic usage
 * ```ts
 * const slotOfRequest = writeRequestRecords(engine.u32(), base >>> 2, requests, slots, facts, false);
 * ```
 */
export function writeRequestRecords(u32: Uint32Array, at32: number, requests: readonly BindRequest[],
  slots: PolicySlots, facts: PlanFacts, unsafeRawAddress: boolean, names: RequestNames = BATCH_NAMES,
  sink: RecordSink = { homes: 0 }): (i: number) => number {
  const onBuffer = sink.onBuffer;
  const n = requests.length, modes = slots.modes, maskIndexes = slots.maskIndexes;
  const bufferBase = facts.bufferBase ?? bufferBases(facts.addressOf).bufferBase;
  let lastBuf: ArrayBufferLike | undefined, lastBase = 0;
  // Batches often alternate between a few policies: the last two are remembered.
  let lastPolicy: unknown, slot = -1, prevPolicy: unknown, prevSlot = -1;
  // Raw ranges are bigints: a u64 view stores one in ~4 ns, where splitting it into two u32
  // halves makes two bigints and costs ~75 ns. Made at the first raw range (records start on
  // 16 bytes in the engine's memory, so every u64 field is aligned).
  let u64: BigUint64Array | undefined;
  for (let i = 0, at = at32; i < n; i++, at += REQ_WORDS) {
    const r = requests[i];
    if (r === null || typeof r !== "object") throw new TypeError(`Cannot use requests[${i}]: a request must be { target, policy, flags? }, current value is ${String(r)}`);
    // Unknown keys are refused (a misspelt homeNode would bind without one): a pass over the
    // request's keys, ~6 ns, with the named error built only on a miss.
    for (const k in r) if (k !== "target" && k !== "policy" && k !== "flags" && k !== "homeNode") refuseUnknownKeys(r, REQUEST_KEYS, `requests[${i}]`, "requests");
    const p = r.policy;
    if (p !== lastPolicy || slot < 0) {
      const s = p === prevPolicy && prevSlot >= 0 ? prevSlot : slots.find(p);
      prevPolicy = lastPolicy; prevSlot = slot;
      // The argument's name is built only for a policy not seen before.
      slot = s >= 0 ? s : slots.slotOf(p, names.field(i, "policy"));
      lastPolicy = p;
    }
    const t = r.target;
    let buf: ArrayBufferLike | undefined, off = 0, len = 0;
    // The real extent, never the target's own properties (targets/extent.ts).
    if (isTypedArray(t)) { buf = viewBuffer(t); off = viewOffset(t); len = viewLength(t); }
    else { const e = extentOf(t); if (e) { buf = e.buffer; off = e.offset; len = e.length; } }
    // Batches are mostly views of one buffer: remember the last one.
    if (buf !== undefined && buf !== lastBuf) {
      if (facts.isFreed?.(buf)) { const arg = names.field(i, "target"); throw freedBufferError(arg, `bind ${arg}`, i); }
      if (facts.isSharedPool?.(buf)) { const arg = names.field(i, "target"); throw sharedPoolError(arg, `bind ${arg}`, i); }
    }
    const b = buf === undefined || len === 0 ? undefined : buf === lastBuf ? lastBase : bufferBase(buf);
    if (b !== undefined) {
      if (buf !== lastBuf) onBuffer?.(buf!, b);
      lastBuf = buf; lastBase = b;
      setU64(u32, at, b + off);
      setU64(u32, at + 2, len);
      u32[at + 7] = KIND_BUFFER;
    } else {
      const rt = resolveTarget(t, names.field(i, "target"), facts.addressOf, unsafeRawAddress, buf === undefined);
      // resolveTarget checked that the range lies in 0..2^64, so the stores cannot wrap.
      if (u64 === undefined && (u32.byteOffset & 7) === 0 && (at32 & 1) === 0) u64 = new BigUint64Array(u32.buffer, u32.byteOffset, u32.length >>> 1);
      if (u64 !== undefined) { u64[at >>> 1] = rt.addr; u64[(at >>> 1) + 1] = rt.length; }
      else { setBigU64(u32, at, rt.addr); setBigU64(u32, at + 2, rt.length); }
      u32[at + 7] = rt.kind;
    }
    u32[at + 4] = modes[slot]!;
    u32[at + 5] = r.flags === undefined ? 0 : toKernelFlags(r.flags, names.field(i, "flags"));
    if (r.homeNode !== undefined) {
      u32[at + 5]! |= homeBits(r.homeNode, modes[slot]!, facts, names.field(i, "homeNode"), i);
      sink.homes++;
    }
    u32[at + 6] = maskIndexes[slot]!;
  }
  return (i) => slots.slotOf(requests[i]!.policy, names.field(i, "policy"));
}
