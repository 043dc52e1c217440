// Mask preparation for plan_run: content interning (so policies compare by integer), the
// summary the kernel rules need, and the node sequences that interleave blocks walk.
import {
  MPOL_F_RELATIVE_NODES, MPOL_INTERLEAVE, MPOL_MODE_FLAGS, MPOL_WEIGHTED_INTERLEAVE, NO_MASK,
  REQ_MASK, REQ_MODE, REQ_SIZE, SLOT_USABLE,
} from "./abi";
import { mask_slot } from "./nodemask";
import { TAKE } from "./util/arena";
import { MASK_EQUALS, MASK_HASH } from "./util/mask";
import { MASK_SUMMARY, MS_EMPTY } from "./validate";

/**
 * Maps every mask index to the first index holding the same bits, or NO_MASK when the mask
 * is empty (an empty mask and NULL mean the same to the kernel). Also fills `summary` (u32 per
 * mask, MS_* bits, for canonical masks). Returns 0 on success, -1 when memory runs out.
 */
export function INTERN_MASKS(masks: usize, n: usize, words: usize, canon: usize, summary: usize): i32 {
  let maskBytes = words << 3;
  let cap: usize = 16;
  while (cap < n * 2) cap <<= 1;
  let table = TAKE(<u64>cap << 2);
  if (table == 0) return -1;
  memory.fill(table, 0, cap << 2);
  for (let i: usize = 0; i < n; ++i) {
    let p = masks + i * maskBytes;
    let slot = <usize>MASK_HASH(p, words) & (cap - 1);
    while (true) {
      let e = <usize>load<u32>(table + (slot << 2));
      if (e == 0) {
        store<u32>(table + (slot << 2), <u32>(i + 1));
        let s = MASK_SUMMARY(p, words);
        store<u32>(summary + (i << 2), s);
        store<u32>(canon + (i << 2), (s & MS_EMPTY) != 0 ? NO_MASK : <u32>i);
        break;
      }
      if (MASK_EQUALS(masks + (e - 1) * maskBytes, p, words)) {
        store<u32>(canon + (i << 2), load<u32>(canon + ((e - 1) << 2)));
        break;
      }
      slot = (slot + 1) & (cap - 1);
    }
  }
  return 0;
}

/** Whether a mode is split into blocks when interleaveBlock is set. */
// @ts-ignore: decorator
@inline export function IS_INTERLEAVE(mode: i32): bool {
  let base = mode & ~MPOL_MODE_FLAGS;
  return base == MPOL_INTERLEAVE || base == MPOL_WEIGHTED_INTERLEAVE;
}

// @ts-ignore: decorator
@inline const USED: u32 = 0xfffffffe;

// Block sequences, one per (canonical mask, relative?) that an interleave request uses.
let seqIndex: usize = 0; // u32 per (mask, relative): sequence number, NO_MASK if unused
let nSeq: u32 = 0;
let seqAt: usize = 0, seqLen: usize = 0, seqNode: usize = 0, seqCum: usize = 0;

export function seqIndexTable(): usize { return seqIndex; }
export function seqAtTable(): usize { return seqAt; }
export function seqLenTable(): usize { return seqLen; }
export function seqNodeTable(): usize { return seqNode; }
export function seqCumTable(): usize { return seqCum; }
export function seqCount(): u32 { return nSeq; }
/** Total entries over all sequences (a bound on the single-node masks blocks need). */
export function seqEntries(): u32 {
  return nSeq == 0 ? 0 : load<u32>(seqAt + (<usize>(nSeq - 1) << 2)) + load<u32>(seqLen + (<usize>(nSeq - 1) << 2));
}

/** The sequence key of an interleave request with canonical mask c. */
// @ts-ignore: decorator
@inline export function SEQ_KEY(c: u32, mode: i32, weightModes: u32): usize {
  let rel: usize = (mode & MPOL_F_RELATIVE_NODES) != 0 ? 2 : 0;
  let weighted: usize = (weightModes & (1 << <u32>(mode & ~MPOL_MODE_FLAGS))) != 0 ? 1 : 0;
  return (<usize>c << 2) | rel | weighted;
}

/** Weight of `node` from the weight table (nodes past its end weigh 1). */
// @ts-ignore: decorator
@inline function weightOf(weights: usize, nWeights: u32, node: u32): u64 {
  return node < nWeights ? <u64>load<u32>(weights + (<usize>node << 2)) : 1;
}

/**
 * Builds the node sequence of every (canonical mask, relative, weighted) key that an
 * interleave request uses: the mask's nodes in ascending order, intersected with the usable
 * nodes unless relative (the kernel folds relative masks itself), each with its cumulative
 * weight (1 each unless weighted). Nodes weighing 0 are left out (a sequence may end up empty: the planner refuses it). Returns 0, or -1 when memory
 * runs out.
 */
export function BUILD_SEQUENCES(reqs: usize, n: usize, masks: usize, nMask: usize, words: usize,
  canon: usize, weights: usize, nWeights: u32, weightModes: u32): i32 {
  nSeq = 0;
  seqIndex = TAKE(<u64>nMask << 4);
  if (seqIndex == 0) return -1;
  memory.fill(seqIndex, 0xff, nMask << 4);
  // Pass 1: which (mask, relative) pairs are used (USED), numbered in pass 2.
  for (let i: usize = 0; i < n; ++i) {
    let r = reqs + i * REQ_SIZE;
    let mode = load<i32>(r + REQ_MODE), m = load<u32>(r + REQ_MASK);
    if (!IS_INTERLEAVE(mode) || m == NO_MASK || <usize>m >= nMask) continue;
    let c = load<u32>(canon + (<usize>m << 2));
    if (c == NO_MASK) continue;
    store<u32>(seqIndex + (SEQ_KEY(c, mode, weightModes) << 2), USED);
  }
  let usable = mask_slot(SLOT_USABLE), maskBytes = words << 3;
  let uw = words < 512 ? words : 512;
  let pairs = nMask << 2, entries: u64 = 0;
  for (let k: usize = 0; k < pairs; ++k) {
    if (load<u32>(seqIndex + (k << 2)) != USED) continue;
    let p = masks + (k >>> 2) * maskBytes, rel = (k & 2) != 0;
    for (let w: usize = 0; w < words; ++w) {
      let v = load<u64>(p + (w << 3));
      if (!rel) v &= w < uw ? load<u64>(usable + (w << 3)) : 0;
      entries += <u64>popcnt(v);
    }
    store<u32>(seqIndex + (k << 2), nSeq++);
  }
  seqAt = TAKE(<u64>nSeq << 2); seqLen = TAKE(<u64>nSeq << 2);
  seqNode = TAKE(entries << 2); seqCum = TAKE(entries << 3);
  if ((nSeq > 0 && (seqAt == 0 || seqLen == 0)) || (entries > 0 && (seqNode == 0 || seqCum == 0))) return -1;
  let at: u32 = 0;
  for (let k: usize = 0; k < pairs; ++k) {
    let q = load<u32>(seqIndex + (k << 2));
    if (q == NO_MASK) continue;
    let p = masks + (k >>> 2) * maskBytes, rel = (k & 2) != 0, weighted = (k & 1) != 0;
    let start = at, cum: u64 = 0;
    for (let w: usize = 0; w < words; ++w) {
      let v = load<u64>(p + (w << 3));
      if (!rel) v &= w < uw ? load<u64>(usable + (w << 3)) : 0;
      while (v != 0) {
        let node = <u32>((w << 6) + <usize>ctz(v));
        v &= v - 1;
        let wt = weighted ? weightOf(weights, nWeights, node) : 1;
        if (wt == 0) continue;
        cum += wt;
        store<u32>(seqNode + (<usize>at << 2), node);
        store<u64>(seqCum + (<usize>at << 3), cum);
        at++;
      }
    }
    store<u32>(seqAt + (<usize>q << 2), start);
    store<u32>(seqLen + (<usize>q << 2), at - start);
  }
  return 0;
}
