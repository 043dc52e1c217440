import { MPOL_DEFAULT } from "../../../assembly/abi.ts";
import type { Backend } from "../backend/mod.ts";
import type { KernelFacts } from "../facts/mod.ts";
import { fitsMapBudget } from "../plan/mod.ts";
import { NO_MASK, OP_SIZE, opAt, writeOp } from "../records/mod.ts";
import { system } from "../system/mod.ts";
import { bufferLength, isSharedBuffer, pageDown, pageUp } from "../targets/mod.ts";

/** A buffer numabind has bound: its whole-page interior, and whether its death resets it. */
export interface Noted { first: number; end: number; ref: WeakRef<object>; resets: boolean }

/** A page range, [first, end). */
export interface Span { first: number; end: number }

/** What a reset needs from the context, read when it runs (the facts may be refreshed). */
export interface ResetFacts { pageSize: number; kernel?: KernelFacts }

/**
 * Ends a policy with the buffer object it was set through. A runtime frees a collected
 * buffer into its allocator, and pages keep their policy (mbind(2) binds pages, not objects):
 * the next allocation there would inherit it. So when a bound ArrayBuffer is collected, or
 * detached by a transfer and then collected, its pages are bound back to `default`, except
 * pages that a live buffer numabind knows of covers (a buffer allocated at the same address
 * and bound since, alloc() memory, a SharedArrayBuffer).
 *
 * Not reset: alloc() memory (unmapped with its buffer, so its policy goes with it) and
 * SharedArrayBuffers (another thread may hold the memory; numabind cannot see when the last
 * one lets go). A worker's buffers are reset when it ends (System.onWorkerExit: not after
 * worker.terminate(), which gives no JavaScript a chance to run). The reset runs when the runtime reports the collection (FinalizationRegistry),
 * so memory allocated at that address in the same turn of the event loop, before it, can
 * still fault pages in under the old policy.
 * @example Basic usage
 * ```ts
 * const bound = new BoundBuffers(backend, () => ({ pageSize: 4096 }));
 * bound.note(buffer, baseAddress);   // after binding any part of buffer
 * ```
 */
export class BoundBuffers {
  readonly #ids = new WeakMap<object, number>();
  readonly #live = new Map<number, Noted>();
  readonly #registry = new FinalizationRegistry<number>((id) => this.#collected(id));
  #dead: Span[] = [];
  #nextId = 1;
  #last: WeakRef<object> | undefined;
  #flushing = false;
  /** mbind calls issued by resets so far (for diagnostics). */
  resetCalls = 0;

  constructor(private readonly backend: Backend, private readonly facts: () => ResetFacts) {
    // A registry never calls back at isolate teardown, and every buffer of an ending worker
    // dies with it: reset them all then.
    system().onWorkerExit?.(() => {
      for (const [id, n] of this.#live) if (n.resets) { this.#dead.push(n); this.#live.delete(id); }
      this.#flush();
    });
  }

  /**
   * Notes that numabind is binding pages of `buf`, whose first byte is at `base`. Cheap when
   * the buffer is the last one noted (the common batch of views of one buffer).
   */
  note(buf: ArrayBufferLike, base: number): void {
    if (this.#last?.deref() === buf) return;
    this.#last = new WeakRef(buf);
    if (this.#ids.has(buf)) return;
    this.#add(buf, base, bufferLength(buf) ?? 0, !isSharedBuffer(buf));
  }

  /** Notes memory whose policy ends with its own mapping (alloc()): kept out of every reset. */
  noteOwned(buf: ArrayBuffer, base: number, length: number): void {
    if (!this.#ids.has(buf)) this.#add(buf, base, length, false);
  }

  #add(buf: object, base: number, length: number, resets: boolean): void {
    const page = this.facts().pageSize;
    const first = pageUp(base, page), end = pageDown(base + length, page);
    if (end <= first) return;
    const id = this.#nextId++;
    this.#ids.set(buf, id);
    this.#live.set(id, { first, end, ref: new WeakRef(buf), resets });
    this.#registry.register(buf, id);
  }

  #collected(id: number): void {
    const n = this.#live.get(id);
    if (!n) return;
    this.#live.delete(id);
    if (!n.resets) return;
    this.#dead.push({ first: n.first, end: n.end });
    // One pass for every buffer a collection reported (the registry calls back per buffer).
    if (!this.#flushing) { this.#flushing = true; queueMicrotask(() => this.#flush()); }
  }

  #flush(): void {
    this.#flushing = false;
    const spans = withoutLive(this.#dead, this.#live);
    this.#dead = [];
    const mbind = this.backend.mbindBatch;
    if (!mbind || spans.length === 0) return;
    const k = this.facts().kernel;
    // Binding back to default can split a mapping it does not merge: two more each, at most.
    const n = fitsMapBudget(k, 2 * spans.length) ? spans.length : 0;
    if (n === 0) return;
    const ops = new Uint8Array(n * OP_SIZE), u32 = new Uint32Array(ops.buffer);
    spans.forEach((s, i) => writeOp(u32, opAt(i), s.first, s.end - s.first, MPOL_DEFAULT, 0, NO_MASK, 0));
    // Failures are expected and harmless: memory the allocator has since unmapped.
    this.resetCalls += mbind(ops, n, new Uint8Array(8), 1, new Uint8Array(n * 4), true);
  }
}

/**
 * The dead spans, merged, less every part a live buffer covers (a buffer collected since its
 * registry callback is no longer live: deref() says so).
 * @example Basic usage
 * ```ts
 * withoutLive([{ first: 0, end: 40 }], new Map([[1, { first: 10, end: 20, ref: new WeakRef(buf), resets: true }]]));
 * // [{ first: 0, end: 10 }, { first: 20, end: 40 }]
 * ```
 */
export function withoutLive(dead: readonly Span[], live: ReadonlyMap<number, Noted>): Span[] {
  const d = [...dead].sort((a, b) => a.first - b.first);
  const l: Span[] = [];
  for (const n of live.values()) if (n.ref.deref() !== undefined) l.push(n);
  l.sort((a, b) => a.first - b.first);
  const out: Span[] = [];
  let j = 0;
  for (let i = 0; i < d.length;) {
    let { first, end } = d[i]!;
    for (i++; i < d.length && d[i]!.first <= end; i++) end = Math.max(end, d[i]!.end);
    while (j < l.length && l[j]!.end <= first) j++;
    let at = first;
    for (let k = j; k < l.length && l[k]!.first < end; k++) {
      if (l[k]!.first > at) out.push({ first: at, end: l[k]!.first });
      at = Math.max(at, l[k]!.end);
    }
    if (at < end) out.push({ first: at, end });
  }
  return out;
}
