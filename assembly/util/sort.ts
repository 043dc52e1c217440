// Stable LSD radix sort of u64 keys carrying u32 values, 16 bits per pass. Passes whose
// digit is the same for every key are skipped, so page numbers inside one address region
// (high bits equal) usually sort in two passes. Already-sorted input costs one scan.
// Scratch (tmpKeys, tmpVals: n each; hist: 65536 u32) is owned by the caller.

// @ts-ignore: decorator
@inline const DIGIT_BITS: u64 = 16;
// @ts-ignore: decorator
@inline const BUCKETS: usize = 1 << 16;

/** True when keys[0..n) is non-decreasing. */
export function IS_SORTED_U64(keys: usize, n: usize): bool {
  for (let i: usize = 1; i < n; ++i) {
    if (load<u64>(keys + (i << 3)) < load<u64>(keys + ((i - 1) << 3))) return false;
  }
  return true;
}

/**
 * Sorts (keys, vals) by key, stably. Returns 0 if the result is in (keys, vals), 1 if it
 * ended in (tmpKeys, tmpVals): the caller swaps its pointers instead of copying back.
 */
export function RADIX_SORT_U64(
  keys: usize, vals: usize, tmpKeys: usize, tmpVals: usize, hist: usize, n: usize,
): i32 {
  if (n < 2 || IS_SORTED_U64(keys, n)) return 0;
  let srcK = keys, srcV = vals, dstK = tmpKeys, dstV = tmpVals;
  let flipped: i32 = 0;
  // Bits that differ between keys; a digit with none of them set is the same everywhere.
  let first = load<u64>(keys), varying: u64 = 0;
  for (let i: usize = 1; i < n; ++i) varying |= load<u64>(keys + (i << 3)) ^ first;
  for (let shift: u64 = 0; shift < 64; shift += DIGIT_BITS) {
    if (((varying >>> shift) & 0xffff) == 0) continue;
    memory.fill(hist, 0, BUCKETS << 2);
    for (let i: usize = 0; i < n; ++i) {
      let d = <usize>((load<u64>(srcK + (i << 3)) >>> shift) & 0xffff);
      store<u32>(hist + (d << 2), load<u32>(hist + (d << 2)) + 1);
    }
    let sum: u32 = 0;
    for (let d: usize = 0; d < BUCKETS; ++d) {
      let c = load<u32>(hist + (d << 2));
      store<u32>(hist + (d << 2), sum);
      sum += c;
    }
    for (let i: usize = 0; i < n; ++i) {
      let k = load<u64>(srcK + (i << 3));
      let d = <usize>((k >>> shift) & 0xffff);
      let at = <usize>load<u32>(hist + (d << 2));
      store<u32>(hist + (d << 2), <u32>at + 1);
      store<u64>(dstK + (at << 3), k);
      store<u32>(dstV + (at << 2), load<u32>(srcV + (i << 2)));
    }
    let tk = srcK; srcK = dstK; dstK = tk;
    let tv = srcV; srcV = dstV; dstV = tv;
    flipped ^= 1;
  }
  return flipped;
}
