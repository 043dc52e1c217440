// Raw mbind calls for the kernel-differential test: every combination is an op record
// (abi.ts OP_*) whose address is an offset into a region the test maps, plus its mask.
import * as abi from "../../../assembly/abi.ts";

export interface Combo {
  /** Byte offset into the test's region (the address is base + off, mod 2^64). */
  off: bigint;
  len: bigint;
  mode: number;
  flags: number;
  /** null: NULL mask (maxnode 0). Otherwise node ids in a mask of `words` u64. */
  nodes: number[] | null;
  words: number;
}

const U64 = 1n << 64n;
const S = abi.MPOL_F_STATIC_NODES, R = abi.MPOL_F_RELATIVE_NODES, B = abi.MPOL_F_NUMA_BALANCING;
const MODE_FLAGS = [0, S, R, B, S | R, S | B, R | B, S | R | B];
const BASE_MODES = [0, 1, 2, 3, 4, 5, 6, 7];
const ODD_MODES = [-1, 0x1000 | 2, 0x10000 | 2, 8 | S, 0x7fffffff];

/** Masks: NULL, empty, usable, unusable (5, 63), and nodes around MAX_NUMNODES and 32767. */
export const MASKS: { nodes: number[] | null; words: number }[] = [
  { nodes: null, words: 1 }, { nodes: [], words: 1 }, { nodes: [0], words: 1 }, { nodes: [1], words: 1 },
  { nodes: [0, 1], words: 1 }, { nodes: [5], words: 1 }, { nodes: [0, 5], words: 1 }, { nodes: [63], words: 1 },
  { nodes: [0], words: 16 }, { nodes: [1023], words: 16 }, { nodes: [0, 1023], words: 16 },
  { nodes: [1024], words: 17 }, { nodes: [0, 1024], words: 17 }, { nodes: [], words: 17 },
  { nodes: [2047], words: 32 }, { nodes: [0, 2000], words: 32 }, { nodes: [0], words: 32 },
  { nodes: [32767], words: 512 }, { nodes: [0, 32767], words: 512 }, { nodes: [0], words: 512 }, { nodes: [], words: 512 },
  { nodes: [0], words: 513 }, { nodes: [], words: 513 },
];

export const FLAGS = [0, 1, 2, 3, 4, 6, 7, 8, 16, 4 | 16, 0x80000000];

/** Lengths: 0, sub-page, pages, and the wrapping ones (2^64-1 wraps to 0: a no-op). */
export const LENGTHS = [0n, 1n, 4095n, 4096n, 8192n, 16n * 4096n, U64 - 1n, U64 - 4096n, U64 - 8192n, U64 - 4095n, U64 - 4097n];
/** Offsets: aligned, then unaligned (the kernel refuses those before it walks the range). */
export const OFFSETS = [0n, 4096n, 1n, 2048n, 4095n];

/** Deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/**
 * The combinations: every mode x mode flags x mask at one aligned page; every flag x offset x
 * length on a few policies; then a seeded random sample over all dimensions.
 */
export function combos(sample: number, seed = 1): Combo[] {
  const out: Combo[] = [];
  const modes = [...BASE_MODES.flatMap((m) => MODE_FLAGS.map((f) => m | f)), ...ODD_MODES];
  for (const mode of modes) for (const m of MASKS) out.push({ off: 0n, len: 4096n, mode, flags: 0, ...m });
  const few = [{ mode: 2, m: MASKS[2]! }, { mode: 0, m: MASKS[0]! }, { mode: 2, m: MASKS[1]! }, { mode: 4 | S, m: MASKS[0]! }, { mode: 7, m: MASKS[2]! }];
  for (const p of few) for (const flags of FLAGS) for (const off of OFFSETS) for (const len of LENGTHS) {
    out.push({ off, len, mode: p.mode, flags, ...p.m });
  }
  const rnd = prng(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
  for (let i = 0; i < sample; i++) {
    const m = pick(MASKS);
    out.push({ off: pick(OFFSETS), len: pick(LENGTHS), mode: pick(modes), flags: pick(FLAGS), ...m });
  }
  return out;
}

/** Op records (addresses are offsets from 0) and a mask table for combos sharing `words`. */
export function buildBatch(list: readonly Combo[], words: number): { ops: Uint8Array; masks: Uint8Array } {
  const ops = new Uint8Array(list.length * abi.OP_SIZE);
  const masks = new Uint8Array(Math.max(1, list.length) * words * 8);
  const dv = new DataView(ops.buffer), mv = new DataView(masks.buffer);
  list.forEach((c, i) => {
    const o = i * abi.OP_SIZE;
    dv.setBigUint64(o + abi.OP_ADDR, c.off, true);
    dv.setBigUint64(o + abi.OP_LEN, c.len, true);
    dv.setInt32(o + abi.OP_MODE, c.mode, true);
    dv.setUint32(o + abi.OP_FLAGS, c.flags >>> 0, true);
    dv.setUint32(o + abi.OP_MASK, c.nodes === null ? abi.NO_MASK : i, true);
    dv.setUint32(o + abi.OP_REQUEST, i, true);
    for (const n of c.nodes ?? []) {
      const at = i * words * 8 + (n >>> 3);
      mv.setUint8(at, mv.getUint8(at) | (1 << (n & 7)));
    }
  });
  return { ops, masks };
}

/** Groups combos by mask width (one batch call per width). */
export function byWords(list: readonly Combo[]): Map<number, Combo[]> {
  const g = new Map<number, Combo[]>();
  for (const c of list) g.set(c.words, [...(g.get(c.words) ?? []), c]);
  return g;
}

/** A short description for failure messages. */
export function describeCombo(c: Combo): string {
  return `mode=0x${(c.mode >>> 0).toString(16)} flags=0x${(c.flags >>> 0).toString(16)} nodes=${c.nodes === null ? "NULL" : `[${c.nodes}]`}/${c.words}w off=${c.off} len=${c.len < 1n << 63n ? c.len : `2^64-${U64 - c.len}`}`;
}
