import { MASK_MAX_BITS, SLOT_A, SLOT_B, SLOT_OUT, T_CHAR, T_OK, T_TOO_LONG } from "../../../assembly/abi.ts";
import { type Engine, sharedEngine } from "../engine/mod.ts";
import { processNodeIds } from "../system/mod.ts";
import { textError, type TextFormat } from "./nodestring_error.ts";

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

/** The node sets a nodestring is read against; each defaults to this process's. */
export interface NodeContext {
  /** Nodes that exist (sysfs nodeN directories). */
  configured?: Nodemask | readonly number[];
  /** Nodes this task may use (Mems_allowed: the cpuset). */
  allowed?: Nodemask | readonly number[];
}

let empty: Nodemask | undefined;

type MaskOp = "mask_union" | "mask_intersect" | "mask_difference";
type ParseFn = "parse_nodestring" | "parse_list" | "parse_hex";
const FULL = MASK_MAX_BITS / 64;
/**
 * Masks up to this many u64 words count their nodes in JavaScript, wider ones in the engine:
 * JS costs ~2.4 ns per u32, the engine ~0.08 µs per call plus ~0.7 ns per u32 (the copy into
 * its slot and the count), so JS wins below ~20 words (bench/nodemask.mjs: 0.05x the engine's
 * time at 1 word, 0.8x at 16, 1.5x at 32). Masks of real machines (MAX_NUMNODES is at most
 * 1024) are 16 words or fewer.
 */
const JS_POPCOUNT_WORDS = 16;

/** Set bits of a u32 (SWAR popcount). */
function popcount32(v: number): number {
  v -= (v >>> 1) & 0x55555555;
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

/**
 * An immutable set of NUMA node ids, up to 32768 bits wide: the kernel's nodemask_t layout
 * (bit n of u64 word n >> 6). Set operations and text formats run in the Wasm engine. The
 * words are kept trimmed to the highest set bit (one zero word when empty).
 * @example Basic usage
 * ```ts
 * const m = Nodemask.of(0, 2, 3);
 * expect(m.toArray()).toEqual([0, 2, 3]);
 * expect(m.toList()).toBe("0,2-3");
 * expect(Nodemask.fromHex(m.toHex()).equals(m)).toBe(true);
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
   * Whether `x` is a real Nodemask (made by this class), not an object that only inherits
   * from Nodemask.prototype or copies its methods.
   * @example
   * ```ts
   * expect(Nodemask.isNodemask(Nodemask.of(0))).toBe(true);
   * expect(Nodemask.isNodemask(Object.create(Nodemask.prototype))).toBe(false);
   * ```
   */
  static isNodemask(x: unknown): x is Nodemask {
    return typeof x === "object" && x !== null && #w in x;
  }

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
    // max is -1 for no nodes: >>> would turn it into a 512 MiB array.
    const w = new Uint32Array(2 * (max < 0 ? 1 : (max >>> 6) + 1));
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

  /**
   * Parses a numactl nodestring against the configured and allowed nodes (this process's by
   * default): `[!][+]item(,item)*`, item = `all`, `N` or `A-B`. README "Nodestrings" lists
   * every rule and every difference from libnuma. Throws a NodestringError saying where and why.
   * @example Inverting within a cpuset
   * ```ts
   * const ctx = { configured: [0, 1, 2, 3], allowed: [0, 1, 3] };
   * expect(Nodemask.parse("!1", ctx).toList()).toBe("0,3");
   * expect(Nodemask.parse("+1-2", ctx).toList()).toBe("1,3");
   * ```
   */
  static parse(s: string, ctx: NodeContext = {}, arg = "nodes"): Nodemask {
    if (typeof s !== "string") throw new TypeError(`Cannot parse ${arg}: a nodestring must be a string, current value is ${typeof s}`);
    if (ctx === null || typeof ctx !== "object") {
      throw new TypeError(`Cannot parse ${arg}: the node context must be an object like { configured, allowed } (or left out), current value is ${ctx === null ? "null" : typeof ctx}`);
    }
    const ids = ctx.configured && ctx.allowed ? undefined : processNodeIds();
    const configured = maskOf(ctx.configured ?? ids!.configured, `${arg} context.configured`);
    const allowed = maskOf(ctx.allowed ?? ids!.allowed, `${arg} context.allowed`);
    const e = sharedEngine();
    e.putMask(SLOT_A, configured.#w, FULL);
    e.putMask(SLOT_B, allowed.#w, FULL);
    return runParse(e, "parse_nodestring", "nodestring", s, arg, () => ({
      configured: configured.toList(), allowed: allowed.toList(), allowedCount: allowed.size,
    }));
  }

  /**
   * Parses the kernel's list format ("0-3,5"; "" is empty), as sysfs and Mems_allowed_list
   * print it. Any node id 0..32767 is accepted; a trailing newline is ignored.
   * @example
   * ```ts
   * expect(Nodemask.fromList("0-2,5\n").toArray()).toEqual([0, 1, 2, 5]);
   * ```
   */
  static fromList(s: string, arg = "list"): Nodemask {
    if (typeof s !== "string") throw new TypeError(`Cannot parse ${arg}: a node list must be a string, current value is ${typeof s}`);
    return runParse(sharedEngine(), "parse_list", "list", s, arg);
  }

  /**
   * Parses a hex mask: "0x3" (nodes 0 and 1), or the kernel's cpumap format
   * ("00000001,00000000" is node 32), as /proc/self/status prints Mems_allowed.
   * @example
   * ```ts
   * expect(Nodemask.fromHex("0x3").toArray()).toEqual([0, 1]);
   * expect(Nodemask.fromHex("00000001,00000000").toArray()).toEqual([32]);
   * ```
   */
  static fromHex(s: string, arg = "hex"): Nodemask {
    if (typeof s !== "string") throw new TypeError(`Cannot parse ${arg}: a hex mask must be a string, current value is ${typeof s}`);
    return runParse(sharedEngine(), "parse_hex", "hex", s, arg);
  }

  /** Width in u64 words (the smallest that holds the highest node, at least 1). */
  get words64(): number { return this.#w.length >>> 1; }

  /** A copy of the mask as u32 halves of u64 words, `words64` words long (or longer if asked). */
  toWords(words64 = this.words64): Uint32Array { return padTo(this.#w, 2 * Math.max(words64, this.words64)); }

  /**
   * Whether node `n` is in the mask (false for anything that is not a node id).
   * @example Basic usage
   * ```ts
   * expect(Nodemask.of(0, 3).has(3)).toBe(true);
   * expect(Nodemask.of(0, 3).has(1)).toBe(false);
   * ```
   */
  has(n: number): boolean {
    if (!Number.isInteger(n) || n < 0 || n >= this.#w.length * 32) return false;
    return (this.#w[n >>> 5]! & (1 << (n & 31))) !== 0;
  }

  /**
   * How many nodes the mask holds.
   * @example Basic usage
   * ```ts
   * expect(Nodemask.parse("!2", { configured: [0, 1, 2, 3], allowed: [0, 1, 2, 3] }).size).toBe(3);
   * ```
   */
  get size(): number {
    const w = this.#w;
    if (w.length <= 2 * JS_POPCOUNT_WORDS) {
      let n = 0;
      for (let i = 0; i < w.length; i++) n += popcount32(w[i]!);
      return n;
    }
    const e = sharedEngine();
    e.putMask(SLOT_A, w, this.words64);
    return e.x.mask_popcount(this.words64);
  }

  /**
   * Whether the mask holds no node.
   * @example Basic usage
   * ```ts
   * expect(Nodemask.of(1).intersect(Nodemask.of(2)).isEmpty).toBe(true);
   * ```
   */
  get isEmpty(): boolean {
    // The words are trimmed to the highest set bit, so only the empty mask is one zero word.
    return this.#w.length === 2 && (this.#w[0]! | this.#w[1]!) === 0;
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
  toList(): string { return this.#format("fmt_list", this.words64); }

  /** A hex mask without leading zeros ("0x3" for nodes 0 and 1, "0x0" when empty). */
  toHex(): string { return this.#format("fmt_hex", this.words64); }

  /**
   * The kernel's cpumap format, as /proc/self/status prints Mems_allowed: 32-bit chunks of 8 hex
   * digits, most significant first. `bits` sets the width (1024 prints 32 chunks, like the
   * kernel with MAX_NUMNODES = 1024); the default is the fewest whole chunks that hold the mask.
   * A width not a multiple of 32 makes the first chunk narrower, as the kernel does.
   * @example
   * ```ts
   * expect(Nodemask.of(32).toCpumap()).toBe("00000001,00000000");
   * ```
   */
  toCpumap(bits?: number): string {
    const used = this.#highest() + 1;
    if (bits !== undefined && (!Number.isInteger(bits) || bits < 1 || bits > MASK_MAX_BITS)) {
      throw new RangeError(`Cannot format a cpumap: bits must be an integer in 1..${MASK_MAX_BITS}, current value is ${String(bits)}`);
    }
    const width = bits === undefined || bits < used ? 32 * Math.max(1, Math.ceil(used / 32)) : bits;
    return this.#format("fmt_cpumap", width, FULL);
  }

  toString(): string { return this.toList(); }

  toJSON(): string { return this.toList(); }

  [Symbol.for("nodejs.util.inspect.custom")](): string { return `Nodemask(${this.toList()})`; }

  /**
   * The nodes in either mask.
   * @example Basic usage
   * ```ts
   * expect(Nodemask.of(0).union(Nodemask.of(64)).toList()).toBe("0,64");
   * ```
   */
  union(o: Nodemask): Nodemask { return this.#op("mask_union", o); }

  /**
   * The nodes in both masks.
   * @example Basic usage
   * ```ts
   * expect(Nodemask.of(0, 1, 2).intersect(Nodemask.of(1, 2, 3)).toList()).toBe("1-2");
   * ```
   */
  intersect(o: Nodemask): Nodemask { return this.#op("mask_intersect", o); }

  /**
   * The nodes in this mask and not in `o`.
   * @example Basic usage
   * ```ts
   * expect(Nodemask.of(0, 1, 2).difference(Nodemask.of(1)).toList()).toBe("0,2");
   * ```
   */
  difference(o: Nodemask): Nodemask { return this.#op("mask_difference", o); }

  /**
   * Whether both masks hold the same nodes, whatever their widths.
   * @example Basic usage
   * ```ts
   * expect(Nodemask.of(0, 100).difference(Nodemask.of(100)).equals(Nodemask.of(0))).toBe(true);
   * ```
   */
  equals(o: Nodemask): boolean {
    mustBeNodemask(o, "equals");
    const words = Math.max(this.words64, o.words64);
    const e = sharedEngine();
    e.putMask(SLOT_A, this.#w, words);
    e.putMask(SLOT_B, o.#w, words);
    return e.x.mask_equals(words) !== 0;
  }

  /**
   * Whether every node of this mask is in `o` (in JavaScript: masks of real machines are a
   * word or two, where a call into the engine would cost more than the loop).
   * @example Basic usage
   * ```ts
   * expect(Nodemask.of(0, 2).isSubsetOf(Nodemask.of(0, 1, 2))).toBe(true);
   * expect(Nodemask.of(0, 5).isSubsetOf(Nodemask.of(0))).toBe(false);
   * ```
   */
  isSubsetOf(o: Nodemask): boolean {
    mustBeNodemask(o, "isSubsetOf");
    const a = this.#w, b = o.#w;
    for (let i = 0; i < a.length; i++) if ((a[i]! & ~(b[i] ?? 0)) !== 0) return false;
    return true;
  }

  #highest(): number {
    for (let i = this.#w.length - 1; i >= 0; i--) if (this.#w[i] !== 0) return i * 32 + 31 - Math.clz32(this.#w[i]!);
    return -1;
  }

  #format(fn: "fmt_list" | "fmt_hex" | "fmt_cpumap", arg: number, slotWords = this.words64): string {
    const e = sharedEngine();
    e.putMask(SLOT_A, this.#w, slotWords);
    return e.getText(e.x[fn](arg));
  }

  #op(op: MaskOp, o: Nodemask): Nodemask {
    mustBeNodemask(o, op.slice(5));
    const words = Math.max(this.words64, o.words64);
    const e = sharedEngine();
    e.putMask(SLOT_A, this.#w, words);
    e.putMask(SLOT_B, o.#w, words);
    e.x[op](words);
    return new Nodemask(e.getMask(SLOT_OUT, words));
  }
}

/** A TypeError for a set operation given something that is not a Nodemask. */
function mustBeNodemask(o: unknown, method: string): void {
  if (!Nodemask.isNodemask(o)) throw new TypeError(`Cannot compute Nodemask.${method}(): its argument must be a Nodemask, current value is ${o === null ? "null" : typeof o}`);
}

function maskOf(v: Nodemask | readonly number[], arg: string): Nodemask {
  if (Nodemask.isNodemask(v)) return v;
  if (Array.isArray(v)) return Nodemask.of(...v);
  throw new TypeError(`Cannot use ${arg}: it must be a Nodemask or a number[], current value is ${typeof v}`);
}

function runParse(e: Engine, fn: ParseFn, f: TextFormat, s: string, arg: string,
  ctx?: () => { configured: string; allowed: string; allowedCount: number }): Nodemask {
  const len = e.putText(s);
  if (len === -Infinity) throw textError(T_TOO_LONG, s, 0, 0, f, arg);
  if (len < 0) throw textError(T_CHAR, s, -len - 1, 0, f, arg);
  const code = e.x[fn](len);
  if (code !== T_OK) throw textError(code, s, e.x.text_err_pos(), e.x.text_err_value(), f, arg, ctx?.());
  return Nodemask.fromWords(e.getMask(SLOT_OUT, e.x.text_out_words()));
}

function padTo(w: Uint32Array, len: number): Uint32Array {
  const out = new Uint32Array(len);
  out.set(w.subarray(0, Math.min(len, w.length)));
  return out;
}
