import { MASK_MAX_BITS, SLOT_A, SLOT_B, SLOT_OUT } from "../../assembly/abi.ts";
import { sharedEngine } from "./engine.ts";

/** Width in u64 words needed to hold the highest set bit of `w` (u32 halves), at least 1. */
function width64(w: Uint32Array): number {
  let top = w.length - 1;
  while (top >= 0 && w[top] === 0) top--;
  return top < 0 ? 1 : (top >> 1) + 1;
}

function checkNode(n: number, arg: string): void {
  if (!Number.isInteger(n) || n < 0 || n >= MASK_MAX_BITS) {
    throw new RangeError(`Cannot use ${arg}: a node must be an integer in 0..${MASK_MAX_BITS - 1}, current value is ${String(n)}`);
  }
}

let empty: Nodemask | undefined;

type MaskOp = "mask_union" | "mask_intersect" | "mask_difference";

/**
 * An immutable set of NUMA node ids, up to 32768 bits wide: the kernel's nodemask_t layout
 * (bit n of u64 word n >> 6). Set operations run word-wise in the Wasm engine.
 * @example Basic usage
 * ```ts
 * const m = Nodemask.of(0, 2, 3);
 * expect(m.toArray()).toEqual([0, 2, 3]);
 * expect(m.has(2)).toBe(true);
 * expect(m.union(Nodemask.of(1)).size).toBe(4);
 * ```
 */
export class Nodemask {
  readonly #w: Uint32Array;

  private constructor(w: Uint32Array) {
    this.#w = w.length >= 2 * width64(w) ? w.slice(0, 2 * width64(w)) : padTo(w, 2 * width64(w));
  }

  /** The empty mask. */
  static get EMPTY(): Nodemask { return (empty ??= new Nodemask(new Uint32Array(2))); }

  /**
   * A mask holding exactly the given nodes.
   * @example
   * ```ts
   * expect(Nodemask.of(64).words64).toBe(2);
   * ```
   */
  static of(...nodes: number[]): Nodemask {
    let max = -1;
    for (const n of nodes) { checkNode(n, "Nodemask.of"); if (n > max) max = n; }
    const w = new Uint32Array(2 * Math.max(1, (max >>> 6) + 1));
    for (const n of nodes) w[n >>> 5]! |= 1 << (n & 31);
    return new Nodemask(w);
  }

  /**
   * A mask from u32 halves of u64 words (little-endian word order, as the kernel lays it out).
   * @example
   * ```ts
   * expect(Nodemask.fromWords(new Uint32Array([0b11, 0])).toArray()).toEqual([0, 1]);
   * ```
   */
  static fromWords(words32: Uint32Array): Nodemask {
    if (words32.length > MASK_MAX_BITS / 32) {
      for (let i = MASK_MAX_BITS / 32; i < words32.length; i++) {
        if (words32[i] !== 0) throw new RangeError(`Cannot build a Nodemask: bit ${i * 32 + 31 - Math.clz32(words32[i]!)} is beyond node ${MASK_MAX_BITS - 1}`);
      }
      return new Nodemask(words32.subarray(0, MASK_MAX_BITS / 32));
    }
    return new Nodemask(words32);
  }

  /** Width in u64 words (the smallest that holds the highest node, at least 1). */
  get words64(): number { return this.#w.length >>> 1; }

  /** A copy of the mask as u32 halves of u64 words, `words64` words long (or longer if asked). */
  toWords(words64 = this.words64): Uint32Array { return padTo(this.#w, 2 * Math.max(words64, this.words64)); }

  has(n: number): boolean {
    if (!Number.isInteger(n) || n < 0 || n >= this.#w.length * 32) return false;
    return (this.#w[n >>> 5]! & (1 << (n & 31))) !== 0;
  }

  get size(): number {
    const e = sharedEngine();
    e.putMask(SLOT_A, this.#w, this.words64);
    return e.x.mask_popcount(this.words64);
  }

  get isEmpty(): boolean {
    const e = sharedEngine();
    e.putMask(SLOT_A, this.#w, this.words64);
    return e.x.mask_is_empty(this.words64) !== 0;
  }

  /** Node ids in ascending order. */
  toArray(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.#w.length; i++) {
      let v = this.#w[i]!;
      while (v !== 0) {
        const b = 31 - Math.clz32(v & -v);
        out.push(i * 32 + b);
        v &= v - 1;
      }
    }
    return out;
  }

  /** The kernel's list format ("0-3,5"), as in numa_maps and Mems_allowed_list. */
  toList(): string {
    const ids = this.toArray();
    const parts: string[] = [];
    for (let i = 0; i < ids.length;) {
      let j = i;
      while (j + 1 < ids.length && ids[j + 1] === ids[j]! + 1) j++;
      parts.push(i === j ? `${ids[i]}` : `${ids[i]}-${ids[j]}`);
      i = j + 1;
    }
    return parts.join(",");
  }

  toString(): string { return this.toList(); }

  toJSON(): string { return this.toList(); }

  [Symbol.for("nodejs.util.inspect.custom")](): string { return `Nodemask(${this.toList()})`; }

  union(o: Nodemask): Nodemask { return this.#op("mask_union", o); }
  intersect(o: Nodemask): Nodemask { return this.#op("mask_intersect", o); }
  difference(o: Nodemask): Nodemask { return this.#op("mask_difference", o); }

  equals(o: Nodemask): boolean {
    const words = Math.max(this.words64, o.words64);
    const e = sharedEngine();
    e.putMask(SLOT_A, this.#w, words);
    e.putMask(SLOT_B, o.#w, words);
    return e.x.mask_equals(words) !== 0;
  }

  #op(op: MaskOp, o: Nodemask): Nodemask {
    const words = Math.max(this.words64, o.words64);
    const e = sharedEngine();
    e.putMask(SLOT_A, this.#w, words);
    e.putMask(SLOT_B, o.#w, words);
    e.x[op](words);
    return new Nodemask(e.getMask(SLOT_OUT, words));
  }
}

function padTo(w: Uint32Array, len: number): Uint32Array {
  const out = new Uint32Array(len);
  out.set(w.subarray(0, Math.min(len, w.length)));
  return out;
}
