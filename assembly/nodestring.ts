// numactl's nodestring grammar with libnuma's bugs fixed (README "Nodestrings"):
//   ""  |  ["!"] ["+"] item ("," item)*      item = "all" | N | A-B   (decimal)
// SLOT_A holds the configured nodes, SLOT_B the allowed ones; the result goes to SLOT_OUT.
// A single node must be configured and allowed; a range needs A <= B with both ends
// configured and selects the allowed nodes inside it; "+" counts within the allowed nodes;
// "!" inverts within the allowed nodes; "all" is the allowed set.
import {
  MASK_SLOT_BYTES, SLOT_A, SLOT_B, SLOT_OUT, T_AFFINITY, T_CHAR, T_EMPTY_ITEM, T_NOT_ALLOWED,
  T_NOT_CONFIGURED, T_OK, T_PLUS_ORDER, T_RANGE_END, T_RELATIVE_RANGE, T_REPEATED_PREFIX,
  T_REVERSED, T_SAME, T_TOO_LONG, T_TRAILING_COMMA, TEXT_BYTES,
} from "./abi";
import { mask_slot } from "./nodemask";
import { clearOut, fail, finishOut, numEndOf, numValueOf, readNumber, testBit, textAt } from "./text";
import { MASK_NTH, MASK_OR_RANGE } from "./util/mask";
import { IS_DIGIT } from "./util/text";

const WORDS: usize = MASK_SLOT_BYTES >>> 3;

/** True when the bytes at p spell `word` (ASCII, given as a u32 of up to 4 chars, low first). */
// @ts-ignore: decorator
@inline function spells(p: usize, end: usize, word: u32, n: usize): bool {
  if (p + n > end) return false;
  for (let i: usize = 0; i < n; ++i) if (textAt(p + i) != ((word >>> (<u32>i << 3)) & 0xff)) return false;
  return true;
}

/** Length of a run of ASCII letters at p. */
// @ts-ignore: decorator
@inline function letters(p: usize, end: usize): usize {
  let q = p;
  while (q < end && (textAt(q) | 0x20) - 0x61 < 26) q++;
  return q - p;
}

/** Parses the nodestring of `len` bytes in the text buffer. Returns T_OK or a T_* code. */
export function parse_nodestring(len: u32): i32 {
  if (len > <u32>TEXT_BYTES) return fail(T_TOO_LONG, TEXT_BYTES, 0);
  clearOut();
  let end = <usize>len, p: usize = 0;
  if (end == 0) return finishOut();
  let configured = mask_slot(SLOT_A), allowed = mask_slot(SLOT_B), out = mask_slot(SLOT_OUT);
  let invert = false, relative = false;
  if (textAt(0) == 0x2b && end > 1 && textAt(1) == 0x21) return fail(T_PLUS_ORDER, 1, 0);
  if (textAt(p) == 0x21) { invert = true; p++; }
  if (p < end && textAt(p) == 0x2b) { relative = true; p++; }
  // "+!" at the start was caught above, so a "!" or "+" here repeats one already read.
  if (p < end && (textAt(p) == 0x21 || textAt(p) == 0x2b)) return fail(T_REPEATED_PREFIX, p, 0);
  let weight: u32 = 0;
  if (relative) for (let i: usize = 0; i < WORDS; ++i) weight += <u32>popcnt(load<u64>(allowed + (i << 3)));

  while (true) {
    if (p >= end) return fail(T_EMPTY_ITEM, p, 0);
    let c = textAt(p);
    if (c == 0x2c) return fail(T_EMPTY_ITEM, p, 0);
    if (!IS_DIGIT(c)) {
      let n = letters(p, end);
      if (n == 3 && spells(p, end, 0x6c6c61, 3)) { // "all"
        MASK_OR_RANGE(out, allowed, 0, <u32>(WORDS << 6) - 1);
        p += 3;
      } else if (n == 4 && spells(p, end, 0x656d6173, 4)) { // "same"
        return fail(T_SAME, p, 0);
      } else if (n > 0 && p + n < end && textAt(p + n) == 0x3a) { // netdev:, file:, ...
        return fail(T_AFFINITY, p, 0);
      } else {
        return fail(T_CHAR, p, 0);
      }
    } else {
      let code = readNumber(p, end);
      if (code != T_OK) return code;
      let a = numValueOf(), at = p;
      p = numEndOf();
      if (p < end && textAt(p) == 0x2d) {
        p++;
        if (p >= end || !IS_DIGIT(textAt(p))) return fail(T_RANGE_END, p, 0);
        let bt = p;
        code = readNumber(p, end);
        if (code != T_OK) return code;
        let b = numValueOf();
        p = numEndOf();
        if (a > b) return fail(T_REVERSED, at, a);
        if (relative) {
          if (<u32>b >= weight) return fail(T_RELATIVE_RANGE, bt, b);
          let na = MASK_NTH(allowed, WORDS, <u32>a), nb = MASK_NTH(allowed, WORDS, <u32>b);
          MASK_OR_RANGE(out, allowed, <u32>na, <u32>nb);
        } else {
          if (!testBit(configured, <u32>a)) return fail(T_NOT_CONFIGURED, at, a);
          if (!testBit(configured, <u32>b)) return fail(T_NOT_CONFIGURED, bt, b);
          MASK_OR_RANGE(out, allowed, <u32>a, <u32>b);
        }
      } else if (relative) {
        if (<u32>a >= weight) return fail(T_RELATIVE_RANGE, at, a);
        let n = MASK_NTH(allowed, WORDS, <u32>a);
        MASK_OR_RANGE(out, 0, <u32>n, <u32>n);
      } else {
        if (!testBit(configured, <u32>a)) return fail(T_NOT_CONFIGURED, at, a);
        if (!testBit(allowed, <u32>a)) return fail(T_NOT_ALLOWED, at, a);
        MASK_OR_RANGE(out, 0, <u32>a, <u32>a);
      }
    }
    if (p == end) break;
    if (textAt(p) != 0x2c) return fail(T_CHAR, p, 0);
    p++;
    if (p == end) return fail(T_TRAILING_COMMA, p - 1, 0);
  }
  if (invert) {
    for (let i: usize = 0; i < WORDS; ++i) {
      let at = i << 3;
      store<u64>(out + at, load<u64>(allowed + at) & ~load<u64>(out + at));
    }
  }
  return finishOut();
}
