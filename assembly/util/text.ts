// Byte-level helpers for the text formats: ASCII only, no allocation, (ptr, len) in and out.

// @ts-ignore: decorator
@inline export function IS_DIGIT(c: u32): bool { return c - 0x30 < 10; }

/** Value of a hex digit, or -1. */
// @ts-ignore: decorator
@inline export function HEX_VALUE(c: u32): i32 {
  if (c - 0x30 < 10) return <i32>(c - 0x30);
  let l = c | 0x20;
  if (l - 0x61 < 6) return <i32>(l - 0x61 + 10);
  return -1;
}

// @ts-ignore: decorator
@inline export function HEX_DIGIT(v: u32): u32 { return v < 10 ? 0x30 + v : 0x61 + v - 10; }

/** Writes `v` in decimal at `out`; returns the number of bytes written. */
export function WRITE_DECIMAL(out: usize, v: u32): usize {
  let n: usize = 1;
  for (let t = v; t >= 10; t /= 10) n++;
  let p = out + n;
  do {
    p--;
    store<u8>(p, 0x30 + v % 10);
    v /= 10;
  } while (v != 0);
  return n;
}

/** Writes the low `digits` hex digits of `v`, zero-padded, at `out`. */
export function WRITE_HEX(out: usize, v: u64, digits: usize): void {
  for (let i: usize = 0; i < digits; ++i) {
    store<u8>(out + digits - 1 - i, <u8>HEX_DIGIT(<u32>((v >>> (<u64>i << 2)) & 0xf)));
  }
}

/** Hex digits needed for v (at least 1). */
// @ts-ignore: decorator
@inline export function HEX_WIDTH(v: u64): usize {
  return v == 0 ? 1 : <usize>((67 - <i32>clz(v)) >> 2);
}
