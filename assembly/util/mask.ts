// Word-wise nodemask kernels over (ptr, words): u64 words, bit n of the mask is bit (n & 63)
// of word (n >> 6), the kernel's own nodemask_t layout on 64-bit little-endian machines.
// No allocation; callers own every pointer.

// @ts-ignore: decorator
@inline export function MASK_POPCOUNT(ptr: usize, words: usize): u32 {
  let n: u32 = 0;
  for (let i: usize = 0; i < words; ++i) n += <u32>popcnt(load<u64>(ptr + (i << 3)));
  return n;
}

// @ts-ignore: decorator
@inline export function MASK_IS_EMPTY(ptr: usize, words: usize): bool {
  for (let i: usize = 0; i < words; ++i) if (load<u64>(ptr + (i << 3)) != 0) return false;
  return true;
}

// @ts-ignore: decorator
@inline export function MASK_EQUALS(a: usize, b: usize, words: usize): bool {
  for (let i: usize = 0; i < words; ++i) {
    if (load<u64>(a + (i << 3)) != load<u64>(b + (i << 3))) return false;
  }
  return true;
}

/** True when a ∩ b has at least one bit. */
// @ts-ignore: decorator
@inline export function MASK_INTERSECTS(a: usize, b: usize, words: usize): bool {
  for (let i: usize = 0; i < words; ++i) {
    if ((load<u64>(a + (i << 3)) & load<u64>(b + (i << 3))) != 0) return true;
  }
  return false;
}

// @ts-ignore: decorator
@inline export function MASK_UNION(out: usize, a: usize, b: usize, words: usize): void {
  for (let i: usize = 0; i < words; ++i) {
    store<u64>(out + (i << 3), load<u64>(a + (i << 3)) | load<u64>(b + (i << 3)));
  }
}

// @ts-ignore: decorator
@inline export function MASK_INTERSECT(out: usize, a: usize, b: usize, words: usize): void {
  for (let i: usize = 0; i < words; ++i) {
    store<u64>(out + (i << 3), load<u64>(a + (i << 3)) & load<u64>(b + (i << 3)));
  }
}

// @ts-ignore: decorator
@inline export function MASK_DIFFERENCE(out: usize, a: usize, b: usize, words: usize): void {
  for (let i: usize = 0; i < words; ++i) {
    store<u64>(out + (i << 3), load<u64>(a + (i << 3)) & ~load<u64>(b + (i << 3)));
  }
}

/** FNV-1a over the words, folded to 32 bits; used to intern masks. */
// @ts-ignore: decorator
@inline export function MASK_HASH(ptr: usize, words: usize): u32 {
  let h: u64 = 0xcbf29ce484222325;
  for (let i: usize = 0; i < words; ++i) {
    h ^= load<u64>(ptr + (i << 3));
    h *= 0x100000001b3;
  }
  return <u32>(h ^ (h >>> 32));
}

/** A u64 with bits lo..hi (inclusive, 0..63) set. */
// @ts-ignore: decorator
@inline export function BITS(lo: u32, hi: u32): u64 {
  let upper = hi == 63 ? <u64>-1 : (<u64>1 << (<u64>hi + 1)) - 1;
  return upper & ~((<u64>1 << <u64>lo) - 1);
}

/** out |= src ∩ [a, b] (inclusive node range), word by word; src 0 means "all nodes". */
export function MASK_OR_RANGE(out: usize, src: usize, a: u32, b: u32): void {
  let wa = a >>> 6, wb = b >>> 6;
  for (let w = wa; w <= wb; ++w) {
    let lo: u32 = w == wa ? a & 63 : 0, hi: u32 = w == wb ? b & 63 : 63;
    let bits = BITS(lo, hi);
    let at = <usize>w << 3;
    if (src != 0) bits &= load<u64>(src + at);
    store<u64>(out + at, load<u64>(out + at) | bits);
  }
}

/** The n-th (0-based) set bit of the mask, or -1 when it has n or fewer bits. */
export function MASK_NTH(ptr: usize, words: usize, n: u32): i32 {
  for (let i: usize = 0; i < words; ++i) {
    let w = load<u64>(ptr + (i << 3));
    let c = <u32>popcnt(w);
    if (n >= c) { n -= c; continue; }
    // Drop the n lowest set bits of this word; the next one is the answer.
    for (let k: u32 = 0; k < n; ++k) w &= w - 1;
    return <i32>((i << 6) + <usize>ctz(w));
  }
  return -1;
}
