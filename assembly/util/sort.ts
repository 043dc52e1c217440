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

// In-place MSD radix sort of u64 values by a bit field (American flag sort): no second
// buffer, so the planner's last-wins path sorts 2n range ends in the 16n bytes they occupy.
// Not stable; callers whose values carry their own index below the field do not need it.

// @ts-ignore: decorator
@inline const MSD_MAX_BITS: u32 = 11;
// @ts-ignore: decorator
@inline const MSD_SMALL: usize = 32;
/** Bytes of scratch SORT_FIELD_U64 needs: counts and heads of 2^11 u32 per level, six levels. */
export const SORT_FIELD_SCRATCH: usize = 6 * (2 << MSD_MAX_BITS) * 4;

/**
 * Sorts the u64 values at `a[0..n)` by their bits [lo, top), in place (bits below `lo` are
 * compared only among the last few values of a bucket). `scratch` holds SORT_FIELD_SCRATCH
 * bytes. `top - lo` is at most 64.
 */
export function SORT_FIELD_U64(a: usize, n: usize, lo: u32, top: u32, scratch: usize): void {
  if (n < 2 || IS_SORTED_U64(a, n)) return;
  msdLevel(a, n, lo, top, scratch);
}

function msdLevel(a: usize, n: usize, lo: u32, top: u32, scratch: usize): void {
  if (n <= MSD_SMALL || top <= lo) { insertionSort(a, n); return; }
  // Fewer buckets for small buckets: a histogram much wider than the values costs more to
  // clear and scan than it saves.
  let sizeBits = <u32>(63 - clz(<u64>n)) - 1;
  let bits = min(min(top - lo, MSD_MAX_BITS), max<u32>(4, sizeBits));
  let shift = <u64>(top - bits), buckets = <usize>1 << bits, dm = <u64>(buckets - 1);
  let count = scratch, head = scratch + (buckets << 2);
  memory.fill(count, 0, buckets << 2);
  for (let i: usize = 0; i < n; ++i) {
    let d = <usize>((load<u64>(a + (i << 3)) >>> shift) & dm) << 2;
    store<u32>(count + d, load<u32>(count + d) + 1);
  }
  // One bucket holds everything: the digit does not vary here, go to the next one.
  let d0 = <usize>((load<u64>(a) >>> shift) & dm) << 2;
  if (<usize>load<u32>(count + d0) == n) { msdLevel(a, n, lo, <u32>shift, scratch); return; }
  let sum: u32 = 0;
  for (let d: usize = 0; d < buckets; ++d) {
    let c = load<u32>(count + (d << 2));
    store<u32>(head + (d << 2), sum);
    sum += c;
    store<u32>(count + (d << 2), sum); // count becomes each bucket's end
  }
  for (let d: usize = 0; d < buckets; ++d) {
    let end = load<u32>(count + (d << 2));
    let h = load<u32>(head + (d << 2));
    while (h < end) {
      let v = load<u64>(a + (<usize>h << 3));
      let dd = <usize>((v >>> shift) & dm);
      while (dd != d) {
        let at = head + (dd << 2), to = load<u32>(at);
        store<u32>(at, to + 1);
        let t = load<u64>(a + (<usize>to << 3));
        store<u64>(a + (<usize>to << 3), v);
        v = t;
        dd = <usize>((v >>> shift) & dm);
      }
      store<u64>(a + (<usize>h << 3), v);
      h++;
    }
    store<u32>(head + (d << 2), h);
  }
  // Each bucket on its own, with the next level's counts past this level's.
  let next = scratch + (buckets << 3), start: u32 = 0;
  for (let d: usize = 0; d < buckets; ++d) {
    let end = load<u32>(count + (d << 2));
    if (end - start > 1) msdLevel(a + (<usize>start << 3), <usize>(end - start), lo, <u32>shift, next);
    start = end;
  }
}

/** Insertion sort of a few u64 values. */
// @ts-ignore: decorator
@inline function insertionSort(a: usize, n: usize): void {
  for (let i: usize = 1; i < n; ++i) {
    let v = load<u64>(a + (i << 3)), j = i;
    while (j > 0 && load<u64>(a + ((j - 1) << 3)) > v) {
      store<u64>(a + (j << 3), load<u64>(a + ((j - 1) << 3)));
      j--;
    }
    store<u64>(a + (j << 3), v);
  }
}
