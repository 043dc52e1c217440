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
