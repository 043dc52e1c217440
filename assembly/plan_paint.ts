// Last-wins overlap resolution. The 2n range ends are sorted and ranked into elementary
// segments; requests are then painted from the last to the first, each painting only the
// segments no later request took. A union-find "next unpainted segment" pointer (path
// halving) makes every segment painted once, so the whole pass is near-linear after the sort.
import { NO_MASK } from "./abi";
import { emitPiece } from "./plan_emit";
import { RADIX_SORT_U64 } from "./util/sort";

/**
 * Paints requests [starts, ends) (page numbers, u64 each, n requests) and hands the visible
 * pieces to emitPiece in address order. Scratch: keys, tmpKeys (2n u64), vals, tmpVals
 * (2n u32), hist (65536 u32). `shift` turns page numbers back into addresses. Once the keys
 * are built, starts and ends are dead and hold the ranks (2n u32); once sorted, the spare
 * value buffer holds the union-find parents, and once ranked, the other the painters: no
 * scratch beyond the sort's (10^7 ranges: 24n bytes less).
 */
export function PAINT(
  starts: usize, ends: usize, n: usize, shift: u64, keys: usize, vals: usize, tmpKeys: usize,
  tmpVals: usize, hist: usize,
): void {
  let m2 = n << 1;
  for (let i: usize = 0; i < n; ++i) {
    store<u64>(keys + (i << 4), load<u64>(starts + (i << 3)));
    store<u64>(keys + (i << 4) + 8, load<u64>(ends + (i << 3)));
    store<u32>(vals + (i << 3), <u32>(i << 1));
    store<u32>(vals + (i << 3) + 4, <u32>((i << 1) | 1));
  }
  if (RADIX_SORT_U64(keys, vals, tmpKeys, tmpVals, hist, m2)) {
    let t = keys; keys = tmpKeys; tmpKeys = t;
    let v = vals; vals = tmpVals; tmpVals = v;
  }
  // Rank distinct coordinates; coordinates are compacted into tmpKeys. The ranks go where
  // starts lay (n u64 = 2n u32): every start was copied into the keys above.
  let ranks = starts, parent = tmpVals;
  let coords = tmpKeys;
  let m: usize = 0;
  for (let k: usize = 0; k < m2; ++k) {
    let key = load<u64>(keys + (k << 3));
    if (m == 0 || load<u64>(coords + ((m - 1) << 3)) != key) {
      store<u64>(coords + (m << 3), key);
      m++;
    }
    store<u32>(ranks + (<usize>load<u32>(vals + (k << 2)) << 2), <u32>(m - 1));
  }
  // The sorted values are read: their buffer holds the painters from here on.
  let paint = vals;
  // Segment j lies between coordinates j and j+1; m-1 is the sentinel past the last one.
  for (let j: usize = 0; j < m; ++j) store<u32>(parent + (j << 2), <u32>j);
  memory.fill(paint, 0xff, m << 2);
  for (let i = n; i > 0; --i) {
    let r = i - 1;
    let lo = <usize>load<u32>(ranks + (r << 3)), hi = <usize>load<u32>(ranks + (r << 3) + 4);
    let j = FIND(parent, lo);
    while (j < hi) {
      store<u32>(paint + (j << 2), <u32>r);
      store<u32>(parent + (j << 2), <u32>(j + 1));
      j = FIND(parent, j + 1);
    }
  }
  // Sweep: runs of segments with one painter are one piece.
  let j: usize = 0;
  while (j + 1 < m) {
    let who = load<u32>(paint + (j << 2));
    let k = j + 1;
    while (k + 1 < m && load<u32>(paint + (k << 2)) == who) k++;
    if (who != NO_MASK) {
      emitPiece(load<u64>(coords + (j << 3)) << shift, load<u64>(coords + (k << 3)) << shift, who);
    }
    j = k;
  }
}

/** Root of j with path halving. */
// @ts-ignore: decorator
@inline function FIND(parent: usize, j: usize): usize {
  while (true) {
    let p = <usize>load<u32>(parent + (j << 2));
    if (p == j) return j;
    let gp = <usize>load<u32>(parent + (p << 2));
    store<u32>(parent + (j << 2), <u32>gp);
    j = gp;
  }
  return j;
}
