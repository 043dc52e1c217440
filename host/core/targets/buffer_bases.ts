import { bufferLength, viewBuffer, viewOffset } from "./extent.ts";

/** Buffer addresses, found once per buffer. */
export interface BufferBases {
  /** Address of a view's first byte (exact at any address). */
  addressOf(u8: Uint8Array): bigint;
  /**
   * A buffer's base address as a number, or undefined when the buffer reaches past 2^53 (then
   * only BigInt arithmetic is exact over it). The buffer must be non-empty.
   */
  bufferBase(buf: ArrayBufferLike): number | undefined;
}

/**
 * Caches buffer base addresses: a buffer's backing store never moves, so one FFI call per
 * buffer serves every view of it. The base is kept as a number where it is below 2^53 and
 * checked against the buffer's current end on each use.
 * @param find the address of a non-empty view's first byte (one FFI call)
 * @example Basic usage
 * ```ts
 * const b = bufferBases((u8) => backend.addressOf(u8));
 * const buf = new ArrayBuffer(8192);
 * expect(b.addressOf(new Uint8Array(buf, 4096))).toBe(BigInt(b.bufferBase(buf)!) + 4096n);
 * ```
 */
export function bufferBases(find: (u8: Uint8Array) => bigint): BufferBases {
  const bases = new WeakMap<ArrayBufferLike, number | bigint>();
  const baseOf = (buf: ArrayBufferLike): number | bigint => {
    let b = bases.get(buf);
    if (b === undefined) {
      // A view of the first byte: a view of the whole buffer fails past 4 GiB, and costs more.
      const big = find(new Uint8Array(buf, 0, 1));
      bases.set(buf, b = big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big);
    }
    return b;
  };
  return {
    addressOf(u8) {
      const b = baseOf(viewBuffer(u8));
      return (typeof b === "number" ? BigInt(b) : b) + BigInt(viewOffset(u8));
    },
    bufferBase(buf) {
      const b = baseOf(buf);
      // An integer sum above 2^53 - 1 never rounds down to it, so this test is exact.
      return typeof b === "number" && b + (bufferLength(buf) ?? Infinity) <= Number.MAX_SAFE_INTEGER ? b : undefined;
    },
  };
}
