// Fields of an op record (assembly/abi.ts OP_*) in a u32 view, by the ABI's offsets: the one
// place that knows where each field lies. `o` is the u32 index where the record starts
// (opAt), so the same accessors read the engine's whole memory and a copied op table.
import {
  MASK_SLOT_BYTES, NO_MASK, OP_ADDR, OP_FLAGS, OP_LEN, OP_MASK, OP_MODE, OP_REQUEST, OP_SIZE,
} from "../../../assembly/abi.ts";
import { getBigU64, getU64, setU64 } from "./u64.ts";

/**
 * Bytes per op record, and the op mask index that stands for a NULL mask: the native batch
 * call reads the same layout (native/numabind.h).
 * @example Basic usage
 * ```ts
 * const ops = new Uint8Array(count * OP_SIZE);
 * expect(opMask(new Uint32Array(ops.buffer), opAt(0)) === NO_MASK).toBe(false);
 * ```
 */
export { NO_MASK, OP_SIZE };

/**
 * u32 words per op record.
 * @example Basic usage
 * ```ts
 * expect(OP_WORDS * 4).toBe(OP_SIZE);
 * ```
 */
export const OP_WORDS = OP_SIZE >>> 2;

/**
 * The widest mask a table entry holds, in u64 words (32768 bits): what a backend sizes its
 * scratch for.
 * @example Basic usage
 * ```ts
 * expect(MAX_MASK_WORDS * 64).toBe(32768);
 * ```
 */
export const MAX_MASK_WORDS = MASK_SLOT_BYTES / 8;

const ADDR = OP_ADDR >>> 2, LEN = OP_LEN >>> 2, MODE = OP_MODE >>> 2, FLAGS = OP_FLAGS >>> 2;
const MASK = OP_MASK >>> 2, REQUEST = OP_REQUEST >>> 2;

/**
 * The u32 index where op `k` starts, in a view whose op table starts at index `base`.
 * @example Basic usage
 * ```ts
 * expect(opAt(2, 100)).toBe(100 + 2 * OP_WORDS);
 * ```
 */
export function opAt(k: number, base = 0): number {
  return base + k * OP_WORDS;
}

/**
 * The op's start address as a number (exact below 2^53).
 * @example Basic usage
 * ```ts
 * const start = opAddr(ops32, opAt(0));
 * ```
 */
export function opAddr(u32: ArrayLike<number>, o: number): number {
  return getU64(u32, o + ADDR);
}

/**
 * The op's length in bytes as a number (exact below 2^53).
 * @example Basic usage
 * ```ts
 * const end = opAddr(ops32, o) + opLen(ops32, o);
 * ```
 */
export function opLen(u32: ArrayLike<number>, o: number): number {
  return getU64(u32, o + LEN);
}

/**
 * The op's start address as a bigint (exact everywhere).
 * @example Basic usage
 * ```ts
 * const op = { addr: opBigAddr(u32, o), length: opBigLen(u32, o) };
 * ```
 */
export function opBigAddr(u32: ArrayLike<number>, o: number): bigint {
  return getBigU64(u32, o + ADDR);
}

/**
 * The op's length as a bigint (exact everywhere).
 * @example Basic usage
 * ```ts
 * expect(opBigLen(u32, o) % 4096n).toBe(0n);
 * ```
 */
export function opBigLen(u32: ArrayLike<number>, o: number): bigint {
  return getBigU64(u32, o + LEN);
}

/**
 * The op's mode | mode flags, as the signed int mbind takes.
 * @example Basic usage
 * ```ts
 * expect(opMode(ops32, o) & ~MPOL_MODE_FLAGS).toBe(MPOL_BIND);
 * ```
 */
export function opMode(u32: ArrayLike<number>, o: number): number {
  return u32[o + MODE]! | 0;
}

/**
 * The op's mbind flags (MPOL_MF_*).
 * @example Basic usage
 * ```ts
 * const strict = (opFlags(ops32, o) & MPOL_MF_STRICT) !== 0;
 * ```
 */
export function opFlags(u32: ArrayLike<number>, o: number): number {
  return u32[o + FLAGS]!;
}

/**
 * The op's index into its mask table, NO_MASK for a NULL mask.
 * @example Basic usage
 * ```ts
 * const nodes = opMask(ops32, o) === NO_MASK ? null : masks[opMask(ops32, o)];
 * ```
 */
export function opMask(u32: ArrayLike<number>, o: number): number {
  return u32[o + MASK]!;
}

/**
 * The index of the request that decided the op's first page.
 * @example Basic usage
 * ```ts
 * expect(opRequest(ops32, opAt(0))).toBe(0);
 * ```
 */
export function opRequest(u32: ArrayLike<number>, o: number): number {
  return u32[o + REQUEST]!;
}

/**
 * Writes the op's range (numbers, exact below 2^53).
 * @example Basic usage
 * ```ts
 * setOpRange(u32, opAt(0), 0x10000, 4096);
 * expect(opLen(u32, opAt(0))).toBe(4096);
 * ```
 */
export function setOpRange(u32: Uint32Array, o: number, addr: number, len: number): void {
  setU64(u32, o + ADDR, addr);
  setU64(u32, o + LEN, len);
}

/**
 * Writes a whole op record.
 * @example Basic usage
 * ```ts
 * writeOp(u32, opAt(0), 0x10000, 4096, MPOL_BIND, 0, 0, 0);
 * expect(opMode(u32, opAt(0))).toBe(MPOL_BIND);
 * ```
 */
export function writeOp(u32: Uint32Array, o: number, addr: number, len: number, mode: number, flags: number,
  mask: number, request: number): void {
  setOpRange(u32, o, addr, len);
  u32[o + MODE] = mode;
  u32[o + FLAGS] = flags;
  u32[o + MASK] = mask;
  u32[o + REQUEST] = request;
}
