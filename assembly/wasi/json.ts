// A small JSON reader over raw bytes for the WASI planner: it walks the input in place and
// allocates nothing (strings with escapes are decoded into a scratch buffer). Errors record a
// byte position and a static reason, which the command reports.

let src: usize = 0, end: usize = 0, pos: usize = 0;
/** First error: its byte position and reason (null while none). */
export let errAt: usize = 0;
export let errWhy: string | null = null;
/** The last string read: [strStart, strEnd). */
export let strStart: usize = 0, strEnd: usize = 0;
/** The last number read. */
export let numValue: u64 = 0;

const ESC_BYTES: usize = 1 << 16;
const ESC: usize = memory.data(<i32>ESC_BYTES, 8);

export function jsonBegin(p: usize, len: usize): void { src = p; end = p + len; pos = p; errWhy = null; }
export function jsonOffset(): usize { return pos - src; }
export function jsonOffsetOf(p: usize): usize { return p - src; }
export function jsonPos(): usize { return pos; }
export function jsonSeek(p: usize): void { pos = p; }

/** Records the first error at the current position; returns false for chaining. */
export function jfail(why: string): bool {
  if (errWhy === null) { errWhy = why; errAt = pos - src; }
  return false;
}

export function ws(): void {
  while (pos < end) {
    let c = load<u8>(pos);
    if (c != 0x20 && c != 0x0a && c != 0x0d && c != 0x09) break;
    pos++;
  }
}

export function peek(): u32 { ws(); return pos < end ? <u32>load<u8>(pos) : 0; }

export function eat(c: u32): bool {
  if (peek() != c) return false;
  pos++;
  return true;
}

export function atEnd(): bool { ws(); return pos >= end; }

/** Whether the last string read equals `lit` (ASCII). */
export function strIs(lit: string): bool {
  let n = <usize>lit.length;
  if (strEnd - strStart != n) return false;
  for (let i: usize = 0; i < n; ++i) if (<i32>load<u8>(strStart + i) != lit.charCodeAt(<i32>i)) return false;
  return true;
}

// @ts-ignore: decorator
@inline function hexv(c: u32): i32 {
  if (c - 0x30 < 10) return <i32>(c - 0x30);
  let l = c | 0x20;
  return l - 0x61 < 6 ? <i32>(l - 0x61 + 10) : -1;
}

/** Reads a string; sets strStart/strEnd. Escapes are decoded (only \u0000-\u007f). */
export function readString(): bool {
  if (peek() != 0x22) return jfail("a string was expected");
  pos++;
  let start = pos;
  while (pos < end && load<u8>(pos) != 0x22 && load<u8>(pos) != 0x5c) pos++;
  if (pos < end && load<u8>(pos) == 0x22) { strStart = start; strEnd = pos; pos++; return true; }
  // Slow path: copy with escapes decoded.
  let o: usize = 0;
  pos = start;
  while (pos < end) {
    let c = <u32>load<u8>(pos);
    if (c == 0x22) { pos++; strStart = ESC; strEnd = ESC + o; return true; }
    if (o >= ESC_BYTES) return jfail("a string with escapes is longer than 65536 bytes");
    if (c < 0x20) return jfail("a control character inside a string");
    if (c == 0x5c) {
      if (pos + 1 >= end) break;
      let e = <u32>load<u8>(pos + 1);
      pos += 2;
      if (e == 0x6e) c = 0x0a; else if (e == 0x74) c = 0x09; else if (e == 0x72) c = 0x0d;
      else if (e == 0x62) c = 0x08; else if (e == 0x66) c = 0x0c;
      else if (e == 0x22 || e == 0x5c || e == 0x2f) c = e;
      else if (e == 0x75 && pos + 4 <= end) {
        let v: i32 = 0;
        for (let k: usize = 0; k < 4; ++k) {
          let h = hexv(<u32>load<u8>(pos + k));
          if (h < 0) return jfail("a bad \\u escape");
          v = (v << 4) | h;
        }
        if (v > 0x7f) return jfail("a \\u escape beyond ASCII");
        c = <u32>v;
        pos += 4;
      } else return jfail("a bad escape");
    } else pos++;
    store<u8>(ESC + o, <u8>c); o++;
  }
  return jfail("an unterminated string");
}

/**
 * Reads an unsigned integer: a JSON number without sign, fraction or exponent, or a string
 * holding decimal digits or 0x and hex digits (for 64-bit addresses). Sets numValue.
 */
export function readU64(): bool {
  let c = peek();
  let p: usize, q: usize;
  if (c == 0x22) {
    if (!readString()) return false;
    p = strStart; q = strEnd;
  } else {
    p = pos;
    while (pos < end && load<u8>(pos) - 0x30 < 10) pos++;
    q = pos;
    if (pos < end && (load<u8>(pos) == 0x2e || (load<u8>(pos) | 0x20) == 0x65)) return jfail("an integer was expected");
  }
  if (q == p) return jfail("an unsigned integer was expected");
  let v: u64 = 0;
  if (q - p > 2 && load<u8>(p) == 0x30 && (load<u8>(p + 1) | 0x20) == 0x78) {
    if (q - p > 18) return jfail("a hex number wider than 64 bits");
    for (let i = p + 2; i < q; ++i) {
      let h = hexv(<u32>load<u8>(i));
      if (h < 0) return jfail("a bad hex digit");
      v = (v << 4) | <u64>h;
    }
  } else {
    for (let i = p; i < q; ++i) {
      let d = <u32>load<u8>(i) - 0x30;
      if (d >= 10) return jfail("a bad decimal digit");
      let nv = v * 10 + <u64>d;
      if (v > 1844674407370955161 || nv < v) return jfail("a number above 2^64-1");
      v = nv;
    }
  }
  numValue = v;
  return true;
}

/** Reads true or false. */
export function readBool(): bool {
  ws();
  if (pos + 4 <= end && load<u32>(pos) == 0x65757274) { pos += 4; numValue = 1; return true; }
  if (pos + 5 <= end && load<u32>(pos) == 0x736c6166 && load<u8>(pos + 4) == 0x65) { pos += 5; numValue = 0; return true; }
  return jfail("true or false was expected");
}

/** Skips any value (nesting up to 64 levels). */
export function skipValue(): bool { return skipDepth(0); }

function skipDepth(depth: i32): bool {
  if (depth > 64) return jfail("nesting deeper than 64 levels");
  let c = peek();
  if (c == 0x22) return readString();
  if (c == 0x7b) {
    pos++;
    let first = true;
    while (true) {
      let k = objNext(first);
      first = false;
      if (k < 0) return false;
      if (k == 0) return true;
      if (!skipDepth(depth + 1)) return false;
    }
  }
  if (c == 0x5b) {
    pos++;
    let first = true;
    while (true) {
      let k = arrNext(first);
      first = false;
      if (k < 0) return false;
      if (k == 0) return true;
      if (!skipDepth(depth + 1)) return false;
    }
  }
  if (c == 0x74 || c == 0x66) return readBool();
  if (c == 0x6e) {
    if (pos + 4 <= end && load<u32>(pos) == 0x6c6c756e) { pos += 4; return true; }
    return jfail("null was expected");
  }
  if (c == 0x2d || c - 0x30 < 10) {
    if (c == 0x2d) pos++;
    let digits = pos;
    while (pos < end && (load<u8>(pos) - 0x30 < 10 || load<u8>(pos) == 0x2e || (load<u8>(pos) | 0x20) == 0x65
      || load<u8>(pos) == 0x2b || load<u8>(pos) == 0x2d)) pos++;
    return pos > digits ? true : jfail("a number was expected");
  }
  return jfail("a JSON value was expected");
}

/**
 * Steps through an object whose "{" was consumed: 1 with the key in strStart/strEnd and the
 * ":" consumed, 0 at "}", -1 on error.
 */
export function objNext(first: bool): i32 {
  if (eat(0x7d)) return 0;
  if (!first && !eat(0x2c)) { jfail("\",\" or \"}\" was expected"); return -1; }
  if (!readString()) return -1;
  if (!eat(0x3a)) { jfail("\":\" was expected"); return -1; }
  return 1;
}

/** Steps through an array whose "[" was consumed: 1 before an element, 0 at "]", -1 on error. */
export function arrNext(first: bool): i32 {
  if (eat(0x5d)) return 0;
  if (!first && !eat(0x2c)) { jfail("\",\" or \"]\" was expected"); return -1; }
  return 1;
}
