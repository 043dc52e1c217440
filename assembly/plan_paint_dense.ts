// Last-wins painting without a sort, for batches whose range ends lie in a span of pages not
// much wider than the batch (10^7 ranges over a few GiB, the usual case for big batches):
// a bitmap over the span marks the distinct coordinates and ranks them by popcount, and a
// 64-ary tree of bits keeps the segments no later request took, so that each request finds
// its next unpainted segment in a few word operations. Each segment is painted once.
import { NO_MASK } from "./abi";
import { emitPiece, emitPolicyPiece } from "./plan_emit";
import { TAKE } from "./util/arena";

// The tree's levels: level 0 has a bit per segment, level l+1 a bit per word of level l.
const LEVELS = memory.data(64); // u32 pointer and u32 word count per level, 8 levels at most
let nLevels: u32 = 0, nSegments: usize = 0;

// @ts-ignore: decorator
@inline function levelAt(l: u32): usize { return <usize>load<u32>(LEVELS + (<usize>l << 3)); }
// @ts-ignore: decorator
@inline function levelWords(l: u32): usize { return <usize>load<u32>(LEVELS + (<usize>l << 3) + 4); }

/** Bytes of the tree over `segments` bits, as DENSE_TAKE_TREE takes them. */
export function denseTreeBytes(segments: usize): u64 {
  let bytes: u64 = 0, bits = max<usize>(segments, 1);
  while (true) {
    let words = (bits + 63) >>> 6;
    bytes += (<u64>words << 3) + 15;
    if (words == 1) return bytes;
    bits = words;
  }
  return bytes;
}

/** Rank of coordinate `p` (pages from the lowest): the set bits before it. */
// @ts-ignore: decorator
@inline function rank(bits: usize, prefix: usize, p: u64): usize {
  let w = <usize>(p >>> 6);
  let below = load<u64>(bits + (w << 3)) & ((<u64>1 << (p & 63)) - 1);
  return <usize>load<u32>(prefix + (w << 2)) + <usize>popcnt(below);
}

/** Takes the tree with every segment unpainted; false when memory cannot grow. */
function takeTree(segments: usize): bool {
  nLevels = 0; nSegments = segments;
  let bits = max<usize>(segments, 1);
  while (true) {
    let words = (bits + 63) >>> 6, at = TAKE(<u64>words << 3);
    if (at == 0) return false;
    // Full words all ones; the last one only up to `bits` (level 0: the segments).
    memory.fill(at, 0xff, (words - 1) << 3);
    let tail = bits & 63;
    store<u64>(at + ((words - 1) << 3), tail == 0 ? <u64>-1 : (<u64>1 << <u64>tail) - 1);
    if (segments == 0 && nLevels == 0) store<u64>(at, 0);
    store<u32>(LEVELS + (<usize>nLevels << 3), <u32>at);
    store<u32>(LEVELS + (<usize>nLevels << 3) + 4, <u32>words);
    nLevels++;
    if (words == 1) return true;
    bits = words;
  }
  return true;
}

/** The first unpainted segment at or after `j`, or nSegments. */
function nextUnpainted(j: usize): usize {
  let l: u32 = 0, i = j;
  while (true) {
    if (l >= nLevels) return nSegments;
    let w = i >>> 6;
    if (w >= levelWords(l)) return nSegments;
    let word = load<u64>(levelAt(l) + (w << 3)) & (<u64>-1 << (<u64>i & 63));
    if (word != 0) { i = (w << 6) + <usize>ctz(word); break; }
    l++; i = w + 1;
  }
  while (l > 0) {
    l--;
    i = (i << 6) + <usize>ctz(load<u64>(levelAt(l) + (i << 3)));
  }
  return i;
}

/** nextUnpainted(j), answered from level 0 when its word holds the answer. */
// @ts-ignore: decorator
@inline function nextFrom(level0: usize, j: usize): usize {
  let w = j >>> 6;
  let word = w < levelWords(0) ? load<u64>(level0 + (w << 3)) & (<u64>-1 << (<u64>j & 63)) : 0;
  return word != 0 ? (w << 6) + <usize>ctz(word) : nextUnpainted(j);
}

/** Marks segment `j` painted, clearing the summary bits of words that empty. */
// @ts-ignore: decorator
@inline function markPainted(j: usize): void {
  let i = j;
  for (let l: u32 = 0; l < nLevels; ++l) {
    let at = levelAt(l) + ((i >>> 6) << 3);
    let word = load<u64>(at) & ~(<u64>1 << (<u64>i & 63));
    store<u64>(at, word);
    if (word != 0) return;
    i >>>= 6;
  }
}

/**
 * Paints requests whose page ranges are at `se` (start and end of request i at u64 2i and
 * 2i+1), given the coordinate bitmap `bits` and its per-word prefix counts `prefix` over pages
 * from `lowest` (m coordinates in all), and hands the visible pieces to emitPiece in address
 * order. The ends' words then hold the ranks. With `reqPol` (policy ids, when each fits in 8
 * bits and each request index in 24) a painter is the request and its policy id in one word.
 * Returns false when its scratch (denseTreeBytes(m - 1) + 4m bytes) does not fit.
 */
export function PAINT_DENSE(se: usize, n: usize, shift: u64, lowest: u64, bits: usize, prefix: usize, m: usize, reqPol: usize): bool {
  let segments = m - 1;
  let paint = TAKE(<u64>m << 2);
  if (paint == 0 || !takeTree(segments)) return false;
  memory.fill(paint, 0xff, m << 2);
  // Ranks first, in a loop of independent loads that the processor overlaps, into the
  // ends' own words (dead once ranked: the sweep reads the coordinates from the bitmap).
  for (let r: usize = 0; r < n; ++r) {
    let at = se + (r << 4);
    let lo = rank(bits, prefix, load<u64>(at) - lowest), hi = rank(bits, prefix, load<u64>(at, 8) - lowest);
    store<u64>(at, <u64>lo | (<u64>hi << 32));
  }
  let level0 = levelAt(0);
  for (let i = n; i > 0; --i) {
    let r = i - 1, v = load<u64>(se + (r << 4));
    let lo = <usize>(<u32>v), hi = <usize>(v >>> 32);
    let j = nextFrom(level0, lo);
    let who = reqPol != 0 ? <u32>r | (load<u32>(reqPol + (r << 2)) << 24) : <u32>r;
    while (j < hi) {
      store<u32>(paint + (j << 2), who);
      markPainted(j);
      j = nextFrom(level0, j + 1);
    }
  }
  // Sweep the coordinates in order: runs of segments with one painter are one piece.
  let w: usize = 0, word = load<u64>(bits);
  while (word == 0) { w++; word = load<u64>(bits + (w << 3)); }
  let cs = <u64>((w << 6) + <usize>ctz(word));
  word &= word - 1;
  let j: usize = 0;
  while (j + 1 < m) {
    let who = load<u32>(paint + (j << 2));
    let k = j;
    let ce: u64 = 0;
    do {
      k++;
      while (word == 0) { w++; word = load<u64>(bits + (w << 3)); }
      ce = <u64>((w << 6) + <usize>ctz(word));
      word &= word - 1;
    } while (k + 1 < m && load<u32>(paint + (k << 2)) == who);
    if (who != NO_MASK) {
      if (reqPol != 0) emitPolicyPiece((cs + lowest) << shift, (ce + lowest) << shift, who & 0xffffff, who >>> 24);
      else emitPiece((cs + lowest) << shift, (ce + lowest) << shift, who);
    }
    j = k; cs = ce;
  }
  return true;
}
