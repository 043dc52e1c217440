// Last-wins overlap resolution. The 2n range ends are sorted and ranked into elementary
// segments; requests are then painted from the last to the first, each painting only the
// segments no later request took. A union-find "next unpainted segment" pointer (path
// halving) makes every segment painted once, so the whole pass is near-linear after the sort.
//
// Memory is what bounds a 10^7-range batch. Ends in a span not much wider than the batch take
// the dense path (plan_paint_dense.ts: no sort). Otherwise every end is kept as one u64:
// (page - lowest page) << idxBits | end index, sorted in place (util/sort.ts). After the sort
// the same words hold the distinct coordinates with the painter in the low bits, and the ranks
// go into the request records' mode and mask words, which nothing reads after resolving. A
// batch whose span and count do not fit in 64 bits together takes the wide path (separate
// keys and values, twice the scratch).
import { E_MEMORY, OK, REQ_MASK, REQ_MODE, REQ_SIZE } from "./abi";
import { emitPiece } from "./plan_emit";
import { denseTreeBytes, PAINT_DENSE } from "./plan_paint_dense";
import { ARENA_REWIND, ARENA_TOP, TAKE } from "./util/arena";
import { RADIX_SORT_U64, SORT_FIELD_U64 } from "./util/sort";

/**
 * Paints requests whose page ranges are at `se` (start and end page of request i at u64
 * 2i and 2i+1) and hands the visible pieces to emitPiece in address order. `reqs` are the
 * request records (their mode and mask words are overwritten), `hist` 256 KiB of scratch
 * (SORT_FIELD_SCRATCH, or the wide sort's histogram).
 * `shift` turns page numbers back into addresses. `reqPol` is the requests' policy ids when
 * each fits in 8 bits and each request index in 24 (the dense path then keeps both in its
 * painters, and emits without looking the id up), 0 otherwise. Returns OK or E_MEMORY.
 */
export function PAINT(se: usize, n: usize, shift: u64, reqs: usize, hist: usize, reqPol: usize): i32 {
  let m2 = n << 1;
  let lowest: u64 = -1, highest: u64 = 0;
  for (let k: usize = 0; k < m2; ++k) {
    let p = load<u64>(se + (k << 3));
    if (p < lowest) lowest = p;
    if (p > highest) highest = p;
  }
  if (highest - lowest < (<u64>n << 4)) {
    let mark = ARENA_TOP(), code = paintDense(se, n, shift, lowest, highest - lowest + 1, reqPol);
    if (code >= 0) return code;
    ARENA_REWIND(mark);
  }
  let idxBits = <u32>(64 - clz(<u64>(m2 - 1)));
  let spanBits = <u32>(64 - clz(highest - lowest));
  if (idxBits + spanBits > 64) return PAINT_WIDE(se, n, shift, hist);
  for (let k: usize = 0; k < m2; ++k) {
    let at = se + (k << 3);
    store<u64>(at, ((load<u64>(at) - lowest) << idxBits) | <u64>k);
  }
  SORT_FIELD_U64(se, m2, idxBits, idxBits + spanBits, hist);
  // Rank: distinct coordinates compacted in place (m <= k), ranks into the records.
  let low: u64 = (<u64>1 << idxBits) - 1, none = low; // low bits all set: no painter yet
  let m: usize = 0, last: u64 = 0;
  for (let k: usize = 0; k < m2; ++k) {
    let v = load<u64>(se + (k << 3)), key = v & ~low;
    if (m == 0 || key != last) { store<u64>(se + (m << 3), key | none); m++; last = key; }
    let end = <usize>(v & low);
    store<u32>(reqs + (end >>> 1) * REQ_SIZE + ((end & 1) != 0 ? REQ_MASK : REQ_MODE), <u32>(m - 1));
  }
  let mark = ARENA_TOP(), parent = TAKE(<u64>m << 2);
  if (parent == 0) return E_MEMORY;
  for (let j: usize = 0; j < m; ++j) store<u32>(parent + (j << 2), <u32>j);
  for (let i = n; i > 0; --i) {
    let r = i - 1, rec = reqs + r * REQ_SIZE;
    let lo = <usize>load<u32>(rec + REQ_MODE), hi = <usize>load<u32>(rec + REQ_MASK);
    let j = FIND(parent, lo);
    while (j < hi) {
      let at = se + (j << 3);
      store<u64>(at, (load<u64>(at) & ~low) | <u64>r);
      store<u32>(parent + (j << 2), <u32>(j + 1));
      j = FIND(parent, j + 1);
    }
  }
  // The union-find is dead: its words are the first the ops may take.
  ARENA_REWIND(mark);
  let j: usize = 0;
  while (j + 1 < m) {
    let who = load<u64>(se + (j << 3)) & low;
    let k = j + 1;
    while (k + 1 < m && (load<u64>(se + (k << 3)) & low) == who) k++;
    if (who != none) {
      let s = (load<u64>(se + (j << 3)) >>> idxBits) + lowest, e = (load<u64>(se + (k << 3)) >>> idxBits) + lowest;
      emitPiece(s << shift, e << shift, <u32>who);
    }
    j = k;
  }
  return OK;
}

/**
 * The dense path (plan_paint_dense.ts) over `span` pages from `lowest`, when its scratch is
 * small: the coordinate bitmap with its prefix counts (12 bytes per 64 pages), the tree and
 * the painters (about 4.1 bytes per coordinate), together at most 10 bytes per request
 * (64 KiB for small batches). Returns OK, E_MEMORY, or -1 to take the packed path instead.
 */
function paintDense(se: usize, n: usize, shift: u64, lowest: u64, span: u64, reqPol: usize): i32 {
  let words = <usize>((span + 63) >>> 6);
  let bits = TAKE(<u64>words << 3), prefix = TAKE(<u64>words << 2);
  if (bits == 0 || prefix == 0) return -1;
  memory.fill(bits, 0, words << 3);
  for (let k: usize = 0; k < (n << 1); ++k) {
    let p = load<u64>(se + (k << 3)) - lowest, at = bits + (<usize>(p >>> 6) << 3);
    store<u64>(at, load<u64>(at) | (<u64>1 << (p & 63)));
  }
  let m: usize = 0;
  for (let w: usize = 0; w < words; ++w) {
    store<u32>(prefix + (w << 2), <u32>m);
    m += <usize>popcnt(load<u64>(bits + (w << 3)));
  }
  let scratch = <u64>words * 12 + denseTreeBytes(m - 1) + (<u64>m << 2);
  if (scratch > <u64>n * 10 + 65536) return -1;
  return PAINT_DENSE(se, n, shift, lowest, bits, prefix, m, reqPol) ? OK : E_MEMORY;
}

/**
 * The wide path: keys and end indexes apart (2n u64 and 2n u32, each twice for the sort).
 * Once the keys are built the ends at `se` are dead and hold the ranks (2n u32).
 */
function PAINT_WIDE(se: usize, n: usize, shift: u64, hist: usize): i32 {
  let m2 = n << 1;
  let keys = TAKE(<u64>m2 << 3), tmpKeys = TAKE(<u64>m2 << 3), vals = TAKE(<u64>m2 << 2), tmpVals = TAKE(<u64>m2 << 2);
  if (keys == 0 || tmpKeys == 0 || vals == 0 || tmpVals == 0) return E_MEMORY;
  memory.copy(keys, se, m2 << 3);
  for (let k: usize = 0; k < m2; ++k) store<u32>(vals + (k << 2), <u32>k);
  if (RADIX_SORT_U64(keys, vals, tmpKeys, tmpVals, hist, m2)) {
    let t = keys; keys = tmpKeys; tmpKeys = t;
    let v = vals; vals = tmpVals; tmpVals = v;
  }
  let ranks = se, parent = tmpVals, coords = tmpKeys;
  let m: usize = 0;
  for (let k: usize = 0; k < m2; ++k) {
    let key = load<u64>(keys + (k << 3));
    if (m == 0 || load<u64>(coords + ((m - 1) << 3)) != key) {
      store<u64>(coords + (m << 3), key);
      m++;
    }
    store<u32>(ranks + (<usize>load<u32>(vals + (k << 2)) << 2), <u32>(m - 1));
  }
  let paint = vals; // the sorted values are read: their buffer holds the painters
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
  let j: usize = 0;
  while (j + 1 < m) {
    let who = load<u32>(paint + (j << 2));
    let k = j + 1;
    while (k + 1 < m && load<u32>(paint + (k << 2)) == who) k++;
    if (who != 0xffffffff) {
      emitPiece(load<u64>(coords + (j << 3)) << shift, load<u64>(coords + (k << 3)) << shift, who);
    }
    j = k;
  }
  return OK;
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

