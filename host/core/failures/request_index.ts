import { KIND_BUFFER, REQ_SIZE } from "../../../assembly/abi.ts";
import { getU64 } from "../records/mod.ts";
import { pageDown, pageUp } from "../targets/mod.ts";

/** Which requests a range of the plan came from. */
export interface Attribution {
  /** The request that decides the page at the address asked about (-1: none). */
  index: number;
  /** Every request with a visible page in the range (last-wins), ascending. */
  requests: number[];
}

/**
 * Finds the requests behind an address range of a plan: the page ranges the engine planned
 * from (buffers shrunk to the pages they own, raw ranges as given), sorted by start, with a
 * running maximum of ends so an overlap query stops early. Under last-wins the request with
 * the highest index decides each page, so a request covered by later ones is not reported.
 * Built only when a batch fails: reading the request records costs O(n log n).
 * @param reqU32 the engine's request records (abi.ts REQ_*) as u32
 * @param page the granule buffers were aligned to
 * @example
 * ```ts
 * const idx = new RequestIndex(u32.subarray(reqAt >>> 2, (reqAt >>> 2) + n * 8), n, 4096);
 * expect(idx.attribute(op.addr, op.end, op.addr).index).toBe(op.request);
 * ```
 */
export class RequestIndex {
  readonly #start: Float64Array;
  readonly #end: Float64Array;
  readonly #order: Uint32Array;
  readonly #maxEnd: Float64Array;

  constructor(reqU32: Uint32Array, n: number, page: number) {
    this.#start = new Float64Array(n);
    this.#end = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const r = i * (REQ_SIZE >>> 2);
      const a = getU64(reqU32, r), l = getU64(reqU32, r + 2);
      if (reqU32[r + 7]! & KIND_BUFFER) {
        this.#start[i] = pageUp(a, page);
        this.#end[i] = pageDown(a + l, page);
      } else {
        this.#start[i] = a;
        this.#end[i] = a + l;
      }
    }
    this.#order = Uint32Array.from({ length: n }, (_, i) => i).sort((x, y) => this.#start[x]! - this.#start[y]! || x - y);
    this.#maxEnd = new Float64Array(n);
    let m = -Infinity;
    for (let j = 0; j < n; j++) { m = Math.max(m, this.#end[this.#order[j]!]!); this.#maxEnd[j] = m; }
  }

  /**
   * The requests visible in [lo, hi), and the one that decides the page at `at`.
   * @example
   * ```ts
   * expect(idx.attribute(0x1000, 0x3000, 0x2000)).toEqual({ index: 1, requests: [0, 1] });
   * ```
   */
  attribute(lo: number, hi: number, at: number): Attribution {
    const s = this.#start, e = this.#end, ord = this.#order;
    // Last position whose request starts before hi.
    let a = 0, b = ord.length;
    while (a < b) { const mid = (a + b) >>> 1; if (s[ord[mid]!]! < hi) a = mid + 1; else b = mid; }
    const cand: number[] = [];
    for (let j = a - 1; j >= 0 && this.#maxEnd[j]! > lo; j--) {
      const i = ord[j]!;
      if (e[i]! > lo && e[i]! > s[i]!) cand.push(i);
    }
    let index = -1;
    for (const i of cand) if (s[i]! <= at && at < e[i]! && i > index) index = i;
    return { index, requests: visible(cand, s, e, lo, hi) };
  }
}

/** The candidates that decide at least one page of [lo, hi): a sweep with a max-heap. */
function visible(cand: number[], s: Float64Array, e: Float64Array, lo: number, hi: number): number[] {
  if (cand.length <= 1) return cand;
  const ev: [number, number][] = [];
  for (const i of cand) { ev.push([Math.max(lo, s[i]!), i]); ev.push([Math.min(hi, e[i]!), ~i]); }
  ev.sort((x, y) => x[0] - y[0]);
  const heap: number[] = [], gone = new Set<number>(), seen = new Set<number>();
  const push = (v: number): void => {
    heap.push(v);
    for (let c = heap.length - 1; c > 0;) {
      const p = (c - 1) >> 1;
      if (heap[p]! >= heap[c]!) break;
      [heap[p], heap[c]] = [heap[c]!, heap[p]!]; c = p;
    }
  };
  const pop = (): void => {
    const last = heap.pop()!;
    if (heap.length === 0) return;
    heap[0] = last;
    for (let c = 0; ;) {
      const l = 2 * c + 1, r = l + 1;
      let m = c;
      if (l < heap.length && heap[l]! > heap[m]!) m = l;
      if (r < heap.length && heap[r]! > heap[m]!) m = r;
      if (m === c) break;
      [heap[m], heap[c]] = [heap[c]!, heap[m]!]; c = m;
    }
  };
  for (let k = 0; k < ev.length;) {
    const x = ev[k]![0];
    for (; k < ev.length && ev[k]![0] === x; k++) {
      const v = ev[k]![1];
      if (v >= 0) push(v); else gone.add(~v);
    }
    while (heap.length && gone.has(heap[0]!)) pop();
    if (heap.length && k < ev.length && ev[k]![0] > x) seen.add(heap[0]!);
  }
  return [...seen].sort((x, y) => x - y);
}
