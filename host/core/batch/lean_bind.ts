import type { Context } from "../context.ts";
import { checkOptions } from "../shapes.ts";
import { kernelError } from "../kernel/mod.ts";
import { fitsMapBudget, kernelForm, PLAN_OPTION_KEYS, type PlanFacts, planInEngine, PolicyContents, SINGLE_NAMES } from "../plan/mod.ts";
import { type BindFlags, Nodemask, type PolicyInput, toKernelFlags } from "../policy/mod.ts";
import { opAddr, opAt, opLen } from "../records/mod.ts";
import {
  extentOf, freedBufferError, isTypedArray, pageDown, pageUp, sharedPoolError, type Target, viewBuffer, viewLength, viewOffset,
} from "../targets/mod.ts";

/** An op the engine planned for a (policy, flags) pair, replayable on any buffer. */
interface Verdict { mode: number; flags: number; mask: Uint8Array | null; words: number }

/** A policy object's content when it was planned, and the engine's verdict per flags. */
interface Entry {
  facts: PlanFacts;
  keys: string[];
  vals: unknown[];
  /** Indexed by MPOL_MF_* bits: a verdict, or null when this pair must take the batch path. */
  byFlags: (Verdict | null | undefined)[];
}

/** Snapshots a policy's own fields; undefined when they hold something we cannot compare. */
function snapshot(p: object): { keys: string[]; vals: unknown[] } | undefined {
  const keys: string[] = [], vals: unknown[] = [];
  for (const k in p) {
    const v = (p as Record<string, unknown>)[k];
    if (Array.isArray(v)) {
      if (!v.every((x) => typeof x !== "object" || x === null)) return undefined;
      vals.push(v.slice());
    } else if (typeof v === "object" && v !== null && !Nodemask.isNodemask(v)) {
      return undefined; // a nested object could change unseen
    } else vals.push(v);
    keys.push(k);
  }
  return { keys, vals };
}

/** Whether a policy still holds what `e` saw (Nodemasks are immutable; arrays by content). */
function unchanged(p: object, e: Entry): boolean {
  let n = 0;
  for (const k in p) {
    if (k !== e.keys[n]) return false;
    const v = (p as Record<string, unknown>)[k], s = e.vals[n];
    // Strings and arrays compared at sites of their own: one site seeing both is a generic
    // equality in optimized code, a builtin call per key.
    if (typeof v === "string") { if (v !== s) return false; }
    else if (Array.isArray(v)) {
      if (!Array.isArray(s) || v.length !== s.length) return false;
      for (let i = 0; i < v.length; i++) if (v[i] !== s[i]) return false;
    } else if (v !== s) return false;
    n++;
  }
  return n === e.keys.length;
}

/** What the lean path holds as its last view when it holds none: no caller can pass it. */
const NONE = Object.freeze({});

const FLAG_KEYS = new Set(["strict", "move", "moveAll"]);

/** Flags in their plain shape (booleans under known keys); anything else takes the batch path. */
function plainFlags(f: unknown): boolean {
  if (f === undefined) return true;
  if (typeof f !== "object" || f === null) return false;
  for (const k in f) {
    const v = (f as Record<string, unknown>)[k];
    if (!FLAG_KEYS.has(k) || (v !== undefined && typeof v !== "boolean")) return false;
  }
  return true;
}

function hasOptions(opts: object | undefined): boolean {
  if (opts === undefined) return false;
  for (const k in opts) if ((opts as Record<string, unknown>)[k] !== undefined) return true;
  return false;
}

/** bind()'s signature. */
export type BindCall = (target: Target, policy: PolicyInput, flags?: BindFlags, opts?: object) => void;

/**
 * bind() itself, on its lean path: one FFI crossing with no arguments, and no engine call once
 * the engine has planned a (policy content, flags) pair. The first bind with a policy plans it
 * in the engine, which validates it exactly as for bindBatch; the op it returns is kept and
 * replayed on later buffers, with only the buffer's owned page interior computed here. Any
 * case the replay cannot reproduce (options, raw ranges, a buffer owning no whole page, a
 * plan that is not one op) is handed to `batchPath`, with the same arguments.
 * The returned function is what callers call, not a wrapper's callee: on Deno each call level
 * between two syscalls costs (docs/benchmarks.md). Measured costs per bind are in
 * docs/benchmarks.md (bench/bind.mjs, bench/deno_bind.ts).
 * @param batchPath bind() as a batch of one, for every call the lean path declines
 * @example
 * ```ts
 * const bind = leanBind(ctx, (target, policy) => bindBatch([{ target, policy }]));
 * bind(buf, { mode: "bind", nodes: [0] });
 * ```
 */
export function leanBind(ctx: Context, batchPath: BindCall): BindCall {
  const backend = ctx.backend;
  const entries = new WeakMap<object, Entry>();
  // A fresh literal per call misses the WeakMap every time: the last few contents find its
  // entry (bounded: a ninth content starts the list again).
  let contents = new PolicyContents(), byContent: Entry[] = [];
  // The last buffer bound and its base: a loop binds views of one buffer, and the base lookup,
  // pool check and lifetime note are the same each time. Held only until the next microtask,
  // so bind() never keeps a buffer alive past the code that holds it.
  let lastBuf: ArrayBufferLike | undefined, lastBase = 0, lastFacts: PlanFacts | undefined, lastFrees = -1;
  // The last typed array bound, its buffer and offset: a view's buffer and offset never change,
  // so binding it again reads only its length (0 once detached or out of bounds). Reading the
  // buffer is a call into C++ in V8. Held as long as lastBuf; NONE (no caller has it) when
  // nothing is held.
  let lastView: object = NONE, lastViewBuf: ArrayBufferLike | undefined, lastViewOff = 0;
  // The range whose two mappings were last noted, and under which fresh count.
  let notedFirst = -1, notedEnd = -1, notedCounts = -1;
  const forget = (): void => { lastBuf = undefined; lastView = NONE; lastViewBuf = undefined; };

  /** Plans one request in the engine and keeps the op if replaying it would be exact. */
  const learn = (target: Target, policy: PolicyInput, flags: BindFlags | undefined, first: number, length: number): Verdict | null => {
    const p = planInEngine(ctx.engine, [flags === undefined ? { target, policy } : { target, policy, flags }], {}, ctx.facts(), SINGLE_NAMES);
    if (p.count !== 1) return null;
    const u32 = p.engine.u32(), o = opAt(0, p.opsAt >>> 2);
    if (opAddr(u32, o) !== first || opLen(u32, o) !== length) return null;
    return kernelForm(p, 0);
  };

  const bind: BindCall = (target, policy, flags, opts) => {
    ctx.engine.refuseWhileApplying("bind");
    // Options and flags are looked at only when given: a call bind(buf, policy) never makes
    // stays out of V8's inlining budget, which then reaches the backend's mbindOne (on Deno,
    // ~3% of a bind: bench/deno_bind.ts).
    if (opts !== undefined) checkOptions(opts, PLAN_OPTION_KEYS, "bind() options");
    if (!backend.mbindOne || (opts !== undefined && hasOptions(opts)) || typeof policy !== "object" || policy === null) return batchPath(target, policy, flags, opts);
    if (flags !== undefined && !plainFlags(flags)) return batchPath(target, policy, flags, opts);
    // The real extent, never the target's own properties (targets/extent.ts); a typed array
    // (the common target) without building an extent object per call.
    let buf: ArrayBufferLike, off: number, len: number;
    let view: ArrayBufferView | undefined;
    if (target === lastView) { buf = lastViewBuf!; off = lastViewOff; len = viewLength(target as ArrayBufferView); }
    else if (isTypedArray(target)) { view = target; buf = viewBuffer(target); off = viewOffset(target); len = viewLength(target); }
    else {
      const extent = extentOf(target);
      if (extent === undefined) return batchPath(target, policy, flags, opts);
      ({ buffer: buf, offset: off, length: len } = extent);
    }
    if (len === 0) return batchPath(target, policy, flags, opts);
    // The last buffer passed this check, and stays fine while free() has released nothing.
    const allocations = ctx.allocations, facts = ctx.facts(), page = facts.pageSize;
    const seen = buf === lastBuf && facts === lastFacts && allocations.frees === lastFrees;
    if (!seen && allocations.isFreed(buf as ArrayBuffer)) {
      throw freedBufferError("target", "bind target");
    }
    let base = lastBase;
    if (!seen) {
      const b = ctx.bufferBase(buf);
      if (b === undefined) return batchPath(target, policy, flags, opts);
      if (facts.isSharedPool?.(buf)) throw sharedPoolError("target", "bind target");
      base = b;
    }
    const start = base + off;
    // A resizable buffer may have grown past what bufferBase() checked: keep addresses exact.
    if (start + len > Number.MAX_SAFE_INTEGER) return batchPath(target, policy, flags, opts);
    const first = pageUp(start, page), end = pageDown(start + len, page);
    if (end <= first) return batchPath(target, policy, flags, opts);

    const bits = flags === undefined ? 0 : toKernelFlags(flags, "flags");
    let e = entries.get(policy);
    if (!e || e.facts !== facts || !unchanged(policy, e)) {
      const k = e ? -1 : contents.find(policy);
      if (k >= 0 && byContent[k]!.facts === facts) e = byContent[k]!;
      else {
        const snap = snapshot(policy);
        if (!snap) return batchPath(target, policy, flags, opts);
        entries.set(policy, e = { facts, ...snap, byFlags: [] });
        if (byContent.length === 8) { contents = new PolicyContents(); byContent = []; }
        contents.add(policy, byContent.push(e) - 1);
      }
    }
    let v = e.byFlags[bits];
    if (v === undefined) v = e.byFlags[bits] = learn(target, policy, flags, first, end - first);
    if (v === null) return batchPath(target, policy, flags, opts);
    // A middle range splits its mapping in three: up to two more mappings, held to the same
    // budget as every call (fitsMapBudget); past it, the batch path refuses with ENOMEM. The
    // range bound just before, bound again in the same buffer, adds none: mbind splits only at
    // a range's bounds, and noting this range's two paid for every later split at them, so
    // long as that note stands (no fresh count since, which drops notes).
    const k = facts.kernel;
    if (!seen || first !== notedFirst || end !== notedEnd || k === undefined || k.freshCounts !== notedCounts) {
      if (!fitsMapBudget(k, 2)) return batchPath(target, policy, flags, opts);
      notedFirst = first; notedEnd = end; notedCounts = k === undefined ? -1 : k.freshCounts;
    }

    if (!seen) {
      ctx.bound.note(buf, base); // its policy ends with it (lifetime/)
      if (lastBuf === undefined) queueMicrotask(forget);
      lastBuf = buf; lastBase = base; lastFacts = facts; lastFrees = allocations.frees;
    }
    if (view !== undefined) { lastView = view; lastViewBuf = buf; lastViewOff = off; }
    const r = backend.mbindOne(first, end - first, v.mode, v.flags, v.mask, v.words);
    if (r < 0) {
      throw kernelError({
        syscall: "mbind", errno: -r, action: "bind", arg: "target", index: 0,
        range: { addr: BigInt(first), length: BigInt(end - first) }, mode: v.mode, flags: v.flags,
        mask: v.mask ? Nodemask.fromWords(new Uint32Array(v.mask.buffer, v.mask.byteOffset, v.words * 2)) : null,
      });
    }
    return;
  };
  return bind;
}
