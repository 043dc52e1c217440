// Nodemask text formats over the text scratch buffer: the kernel's list ("0-3,5"), a hex
// mask ("0x3"), and the kernel's cpumap ("00000001,00000000": 32-bit chunks, most significant
// first). Masks come from SLOT_A and parse into SLOT_OUT; nothing allocates.
import {
  MASK_MAX_BITS, MASK_SLOT_BYTES, SLOT_A, SLOT_OUT, T_CHAR, T_CHUNK, T_EMPTY, T_EMPTY_ITEM,
  T_HEX_PREFIX, T_LEADING_ZERO, T_OK, T_RANGE_END, T_REVERSED, T_TOO_BIG, T_TOO_LONG,
  T_TRAILING_COMMA, TEXT_BYTES,
} from "./abi";
import { mask_slot } from "./nodemask";
import { MASK_OR_RANGE } from "./util/mask";
import { HEX_VALUE, HEX_WIDTH, IS_DIGIT, WRITE_DECIMAL, WRITE_HEX } from "./util/text";

const TEXT: usize = memory.data(TEXT_BYTES, 8);
const SLOT_WORDS: usize = MASK_SLOT_BYTES >>> 3;

// Where and why the last parse failed; how wide its result is.
let errPos: u32 = 0;
let errValue: i32 = 0;
let outWords: u32 = 1;

/** Address of the text buffer (TEXT_BYTES). */
export function text_buffer(): usize { return TEXT; }
/** Byte offset of the last parse error. */
export function text_err_pos(): u32 { return errPos; }
/** The number involved in the last parse error (node, or -1 when it does not fit). */
export function text_err_value(): i32 { return errValue; }
/** u64 words of SLOT_OUT that the last successful parse wrote (the rest are zero). */
export function text_out_words(): u32 { return outWords; }

// @ts-ignore: decorator
@inline export function fail(code: i32, pos: usize, value: i32): i32 {
  errPos = <u32>pos; errValue = value;
  return code;
}

// @ts-ignore: decorator
@inline export function textAt(i: usize): u32 { return <u32>load<u8>(TEXT + i); }

/** Clears SLOT_OUT before a parse. */
export function clearOut(): void {
  memory.fill(mask_slot(SLOT_OUT), 0, MASK_SLOT_BYTES);
}

/** Sets `outWords` to the width of SLOT_OUT's highest set word (at least 1). */
export function finishOut(): i32 {
  let p = mask_slot(SLOT_OUT);
  let top: usize = SLOT_WORDS;
  while (top > 1 && load<u64>(p + ((top - 1) << 3)) == 0) top--;
  outWords = <u32>top;
  return T_OK;
}

// @ts-ignore: decorator
@inline export function setBit(p: usize, n: u32): void {
  let a = p + ((<usize>n >>> 6) << 3);
  store<u64>(a, load<u64>(a) | (<u64>1 << (<u64>n & 63)));
}

// @ts-ignore: decorator
@inline export function testBit(p: usize, n: u32): bool {
  return (load<u64>(p + ((<usize>n >>> 6) << 3)) & (<u64>1 << (<u64>n & 63))) != 0;
}

/** Length of the input, minus one trailing newline (sysfs files end with one). */
// @ts-ignore: decorator
@inline function trimmed(len: u32): usize {
  return len > 0 && textAt(len - 1) == 0x0a ? <usize>len - 1 : <usize>len;
}

// Scratch for readNumber: where the number ended, and its value (-1 when above 32767).
let numEnd: usize = 0;
let numValue: i32 = 0;

/**
 * Reads a decimal node number at `p`: one digit or more, no leading zero, no 0x, at most
 * 32767. Returns T_OK with numEnd/numValue set, or a T_* code with errPos set.
 */
export function readNumber(p: usize, end: usize): i32 {
  if (p >= end || !IS_DIGIT(textAt(p))) return fail(T_CHAR, p, 0);
  let c = textAt(p);
  if (c == 0x30 && p + 1 < end) {
    let d = textAt(p + 1) | 0x20;
    if (d == 0x78) return fail(T_HEX_PREFIX, p, 0);
    if (IS_DIGIT(textAt(p + 1))) return fail(T_LEADING_ZERO, p, 0);
  }
  let v: i32 = 0, q = p;
  while (q < end && IS_DIGIT(textAt(q))) {
    if (v <= <i32>MASK_MAX_BITS) v = v * 10 + <i32>(textAt(q) - 0x30);
    q++;
  }
  if (v >= <i32>MASK_MAX_BITS) return fail(T_TOO_BIG, p, v > <i32>MASK_MAX_BITS * 10 ? -1 : v);
  numEnd = q; numValue = v;
  return T_OK;
}

/** Where the last readNumber ended. */
// @ts-ignore: decorator
@inline export function numEndOf(): usize { return numEnd; }
/** The value the last readNumber read. */
// @ts-ignore: decorator
@inline export function numValueOf(): i32 { return numValue; }

/** Parses the kernel list format ("0-3,5"; "" is empty) of `len` bytes into SLOT_OUT. */
export function parse_list(len: u32): i32 {
  if (len > <u32>TEXT_BYTES) return fail(T_TOO_LONG, TEXT_BYTES, 0);
  clearOut();
  let end = trimmed(len), p: usize = 0, out = mask_slot(SLOT_OUT);
  if (end == 0) return finishOut();
  while (true) {
    if (p >= end || textAt(p) == 0x2c) return fail(T_EMPTY_ITEM, p, 0);
    let code = readNumber(p, end);
    if (code != T_OK) return code;
    let a = numValue, b = numValue, at = p;
    p = numEnd;
    if (p < end && textAt(p) == 0x2d) {
      p++;
      if (p >= end || !IS_DIGIT(textAt(p))) return fail(T_RANGE_END, p, 0);
      code = readNumber(p, end);
      if (code != T_OK) return code;
      b = numValue;
      if (a > b) return fail(T_REVERSED, at, a);
      p = numEnd;
    }
    MASK_OR_RANGE(out, 0, <u32>a, <u32>b);
    if (p == end) return finishOut();
    if (textAt(p) != 0x2c) return fail(T_CHAR, p, 0);
    p++;
    if (p == end) return fail(T_TRAILING_COMMA, p - 1, 0);
  }
  return T_OK; // unreachable
}

/** ORs the hex digit `v` at bit position `bit` into SLOT_OUT; false if it lands past 32767. */
// @ts-ignore: decorator
@inline function putNibble(out: usize, bit: u64, v: u32): bool {
  if (v == 0) return true;
  if (bit + <u64>(32 - clz(v)) > <u64>MASK_MAX_BITS) return false;
  let a = out + <usize>((bit >>> 6) << 3);
  store<u64>(a, load<u64>(a) | (<u64>v << (bit & 63)));
  return true;
}

/**
 * Parses a hex mask into SLOT_OUT: "0x" followed by hex digits ("0x3" = nodes 0 and 1), or the
 * kernel's cpumap ("00000001,00000000" = node 32; the first chunk may be narrower).
 */
export function parse_hex(len: u32): i32 {
  if (len > <u32>TEXT_BYTES) return fail(T_TOO_LONG, TEXT_BYTES, 0);
  clearOut();
  let end = trimmed(len), out = mask_slot(SLOT_OUT);
  if (end == 0) return fail(T_EMPTY, 0, 0);
  let prefixed = end >= 2 && textAt(0) == 0x30 && (textAt(1) | 0x20) == 0x78;
  if (prefixed) {
    if (end == 2) return fail(T_EMPTY, 2, 0);
    let bit: u64 = 0;
    for (let i = end; i > 2; i--) {
      let v = HEX_VALUE(textAt(i - 1));
      if (v < 0) return fail(T_CHAR, i - 1, 0);
      if (!putNibble(out, bit, <u32>v)) return fail(T_TOO_BIG, i - 1, -1);
      bit += 4;
    }
    return finishOut();
  }
  // cpumap: walk chunks from the right, so each chunk's bit position is known.
  let bit: u64 = 0, p = end;
  while (true) {
    let q = p;
    while (q > 0 && textAt(q - 1) != 0x2c) q--;
    let width = p - q;
    if (width == 0) return fail(q == end ? T_TRAILING_COMMA : T_EMPTY_ITEM, q == end ? q - 1 : q, 0);
    if (width > 8 || (q > 0 && width != 8)) return fail(T_CHUNK, q, 0);
    for (let i = p; i > q; i--) {
      let v = HEX_VALUE(textAt(i - 1));
      if (v < 0) return fail(T_CHAR, i - 1, 0);
      if (!putNibble(out, bit + <u64>((p - i) << 2), <u32>v)) return fail(T_TOO_BIG, i - 1, -1);
    }
    bit += 32;
    if (q == 0) break;
    p = q - 1;
  }
  return finishOut();
}

/** Writes SLOT_A (`words` u64) in the kernel's list format; returns the length in bytes. */
export function fmt_list(words: u32): u32 {
  let a = mask_slot(SLOT_A), n = words > <u32>SLOT_WORDS ? <u32>SLOT_WORDS : words;
  let bits = n << 6, o: usize = TEXT, first = true;
  let i: u32 = 0;
  while (i < bits) {
    // Skip whole zero words quickly, then single bits.
    if ((i & 63) == 0 && load<u64>(a + (<usize>(i >>> 6) << 3)) == 0) { i += 64; continue; }
    if (!testBit(a, i)) { i++; continue; }
    let j = i;
    while (j + 1 < bits && testBit(a, j + 1)) j++;
    if (!first) { store<u8>(o, 0x2c); o++; }
    first = false;
    o += WRITE_DECIMAL(o, i);
    if (j > i) { store<u8>(o, 0x2d); o++; o += WRITE_DECIMAL(o, j); }
    i = j + 1;
  }
  return <u32>(o - TEXT);
}

/** Writes SLOT_A as "0x…" without leading zeros ("0x0" when empty); returns the length. */
export function fmt_hex(words: u32): u32 {
  let a = mask_slot(SLOT_A), n = <usize>(words > <u32>SLOT_WORDS ? <u32>SLOT_WORDS : words);
  if (n == 0) n = 1;
  while (n > 1 && load<u64>(a + ((n - 1) << 3)) == 0) n--;
  store<u8>(TEXT, 0x30); store<u8>(TEXT + 1, 0x78);
  let o = TEXT + 2;
  let top = load<u64>(a + ((n - 1) << 3));
  let w = HEX_WIDTH(top);
  WRITE_HEX(o, top, w); o += w;
  for (let i = n - 1; i > 0; i--) { WRITE_HEX(o, load<u64>(a + ((i - 1) << 3)), 16); o += 16; }
  return <u32>(o - TEXT);
}

/**
 * Writes SLOT_A as the kernel prints a `bits`-wide bitmap (%*pb): 32-bit chunks, most
 * significant first, comma-separated; the first chunk is as wide as bits % 32 needs.
 */
export function fmt_cpumap(bits: u32): u32 {
  if (bits == 0) bits = 32;
  if (bits > <u32>MASK_MAX_BITS) bits = <u32>MASK_MAX_BITS;
  let a = mask_slot(SLOT_A), o: usize = TEXT;
  let chunks = (bits + 31) >>> 5;
  let firstBits = bits & 31;
  for (let c = chunks; c > 0; c--) {
    let v = load<u32>(a + (<usize>(c - 1) << 2));
    let digits: usize = 8;
    if (c == chunks && firstBits != 0) {
      v &= (1 << firstBits) - 1;
      digits = <usize>((firstBits + 3) >>> 2);
    }
    WRITE_HEX(o, v, digits); o += digits;
    if (c > 1) { store<u8>(o, 0x2c); o++; }
  }
  return <u32>(o - TEXT);
}
