// The range planner: requests (packed records, abi.ts) in, the minimum list of mbind ops out,
// in one call per batch (README "Plan options"). Phases: intern masks (plan_masks.ts); resolve
// each request (plan_resolve.ts: kernel rules, page alignment, policy ids); order and resolve
// overlaps (sorted-disjoint fast path, last-wins painting in plan_paint.ts, or refusal); emit
// ops (plan_emit.ts: blocks, chunks, coalescing, per-op validation); check the VMA budget.
// Every buffer comes from the arena, taken before the loops that use it, except the ops, which
// grow at the arena's top as they are written. The last-wins path keeps its ranks in the
// request records' mode and mask words: plan_input again before planning the batch again.
import {
  CTL_BLOCK, CTL_BLOCK_MODE, CTL_CHUNK, CTL_HUGE, CTL_OVERLAP, E_MASK_WORDS, E_MEMORY, E_OPTIONS,
  E_OVERLAP, E_PAGE_SIZE, E_TOO_MANY_OPS, E_VMA_BUDGET, MASK_SLOT_BYTES, MPOL_BIND, MPOL_PREFERRED,
  OK, OVERLAP_ERROR, REQ_SIZE,
} from "./abi";
import {
  ctlBlock, ctlBlockMode, ctlChunk, ctlHuge, ctlKernelPage, ctlMapCount, ctlMaxMap,
  ctlOverlap, ctlPageSize, ctlWeightModes,
} from "./control";
import {
  emitEnd, emitFailCode, emitFailReq, emitFailRule, emitGroups, emitOps, emitOpsAt, emitOutMasks,
  emitPiece, emitPieces, emitPolicyRuns, emitRuns, emitSetup, emitSorted,
} from "./plan_emit";
import {
  BUILD_SEQUENCES, INTERN_MASKS, seqAtTable, seqCount, seqCumTable, seqEntries, seqIndexTable,
  seqLenTable, seqNodeTable,
} from "./plan_masks";
import { DIGEST_OPS, digestGaps } from "./plan_digest";
import { PAINT } from "./plan_paint";
import {
  RESOLVE_REQUESTS, resolveBound, resolveFailReq, resolveFailRule, resolvePolicies, resolvePolicyCount,
  resolveSortedDisjoint,
} from "./plan_resolve";
import { ARENA_RESET, ARENA_REWIND, ARENA_TOP, TAKE } from "./util/arena";
import { RADIX_SORT_U64 } from "./util/sort";

/** Most ops one plan may hold (32 bytes each: 1 GiB). */
// @ts-ignore: decorator
@inline const MAX_OPS: u64 = 1 << 25;

// Inputs, set by plan_input.
let reqPtr: usize = 0, nReq: u32 = 0, maskPtr: usize = 0, nMask: u32 = 0, maskWords: u32 = 1;
let weightPtr: usize = 0, nWeight: u32 = 0, runMark: usize = 0;
// Outputs.
let opsPtr: usize = 0, nOps: u32 = 0, outMaskPtr: usize = 0, nOutMask: u32 = 0;
let errnosPtr: usize = 0, errIndex: u32 = 0, errOther: u64 = 0, errRule: i32 = 0;
let statCoalesced: u32 = 0, statSplits: u32 = 0;
let statVmas: u32 = 0, statOverridden: u32 = 0;

// @ts-ignore: decorator
@inline function align16(n: u64): u64 { return (n + 15) & ~<u64>15; }

/**
 * Starts a batch: drops the previous one and returns where the host writes `nRequests`
 * request records; the mask table (`nMasks` masks of `words` u64) and the weight table
 * (`nWeights` u32, weight of node i at i) follow at plan_mask_table() and plan_weight_table().
 * Returns 0 when the batch cannot fit in memory.
 */
export function plan_input(nRequests: u32, nMasks: u32, words: u32, nWeights: u32): usize {
  ARENA_RESET();
  return planInputHere(nRequests, nMasks, words, nWeights);
}

/** plan_input without dropping what the arena already holds (the WASI command's input). */
export function planInputHere(nRequests: u32, nMasks: u32, words: u32, nWeights: u32): usize {
  nReq = 0; nMask = 0; maskWords = words; nWeight = 0; nOps = 0; nOutMask = 0;
  let reqBytes = align16(<u64>nRequests * REQ_SIZE);
  let maskBytes = align16(<u64>nMasks * <u64>words * 8);
  let base = TAKE(reqBytes + maskBytes + align16(<u64>nWeights << 2));
  if (base == 0) { runMark = ARENA_TOP(); return 0; }
  nReq = nRequests; nMask = nMasks; nWeight = nWeights;
  reqPtr = base;
  maskPtr = base + <usize>reqBytes;
  weightPtr = maskPtr + <usize>maskBytes;
  runMark = ARENA_TOP();
  return reqPtr;
}

/**
 * Places the mask table (`nMasks` masks of `words` u64) and the weight table (`nWeights` u32)
 * after the request records, replacing the tables plan_input placed: for a host that learns
 * their sizes while it writes the records (plan_input(n, 0, 1, 0), records, then this).
 * Returns the mask table's address, or 0 when the tables cannot fit. May grow memory.
 */
export function plan_tables(nMasks: u32, words: u32, nWeights: u32): usize {
  let maskBytes = align16(<u64>nMasks * <u64>words * 8);
  let at = TAKE(maskBytes + align16(<u64>nWeights << 2));
  if (at == 0) { nMask = 0; nWeight = 0; runMark = ARENA_TOP(); return 0; }
  nMask = nMasks; maskWords = words; nWeight = nWeights;
  maskPtr = at;
  weightPtr = at + <usize>maskBytes;
  runMark = ARENA_TOP();
  return maskPtr;
}

export function plan_mask_table(): usize { return maskPtr; }
export function plan_weight_table(): usize { return weightPtr; }
export function plan_ops(): usize { return opsPtr; }
export function plan_op_count(): u32 { return nOps; }
export function plan_masks(): usize { return outMaskPtr; }
export function plan_mask_count(): u32 { return nOutMask; }
export function plan_errnos(): usize { return errnosPtr; }

/**
 * The last plan's ops digested for the host's verify() (plan_digest.ts): u32 pairs per op, or
 * 0 when they do not fit that form. plan_digest_gaps() then gives the gap table, or 0.
 */
export function plan_digest(): usize { return nOps == 0 ? 0 : DIGEST_OPS(opsPtr, <usize>nOps); }
export function plan_digest_gaps(): usize { return digestGaps(); }
export function plan_err_index(): u32 { return errIndex; }
export function plan_err_other(): u64 { return errOther; }
export function plan_err_rule(): i32 { return errRule; }
export function plan_coalesced(): u32 { return statCoalesced; }
export function plan_splits(): u32 { return statSplits; }
export function plan_estimated_vmas(): u32 { return statVmas; }
export function plan_overridden(): u32 { return statOverridden; }

/** Set bits among the first `n` bits at `at` (a word at a time; bits past n may be garbage). */
function countBits(at: usize, n: usize): usize {
  let count: usize = 0, i: usize = 0;
  for (; i + 64 <= n; i += 64) count += <usize>popcnt(load<u64>(at + (i >>> 3)));
  for (; i < n; ++i) count += (load<u8>(at + (i >>> 3)) >>> <u8>(i & 7)) & 1;
  return count;
}

// @ts-ignore: decorator
@inline function isPow2(v: u64): bool { return v != 0 && (v & (v - 1)) == 0; }

// @ts-ignore: decorator
@inline function roundUp(v: u64, to: u64): u64 { return (v + to - 1) & ~(to - 1); }

// @ts-ignore: decorator
@inline function refuse(code: i32, index: u32, other: u64): i32 {
  errIndex = index; errOther = other;
  return code;
}

/**
 * Plans the batch written after plan_input with the options and facts in the control block.
 * Returns OK or an E_* code; plan_err_index() names the request at fault, plan_err_rule()
 * the kernel rule (E_RULE), plan_err_other() the other request (E_OVERLAP), the estimate
 * (E_VMA_BUDGET), the op bound (E_TOO_MANY_OPS) or the control offset (E_OPTIONS).
 */
export function plan_run(): i32 {
  ARENA_REWIND(runMark);
  nOps = 0; nOutMask = 0; opsPtr = 0; outMaskPtr = 0; errnosPtr = 0;
  errIndex = 0; errOther = 0; errRule = 0;
  statCoalesced = 0; statSplits = 0; statVmas = 0; statOverridden = 0;
  let page = <u64>ctlPageSize(), kpage = <u64>ctlKernelPage();
  if (!isPow2(page) || !isPow2(kpage) || page < 4096 || kpage < 4096 || page < kpage || page > (1 << 30)) {
    return E_PAGE_SIZE;
  }
  if (ctlOverlap() > <u32>OVERLAP_ERROR) return refuse(E_OPTIONS, 0, CTL_OVERLAP);
  let bmode = ctlBlockMode();
  if (bmode != MPOL_PREFERRED && bmode != MPOL_BIND) return refuse(E_OPTIONS, 0, CTL_BLOCK_MODE);
  let huge = ctlHuge();
  if (huge != 0 && (!isPow2(huge) || huge < page || huge > (<u64>1 << 40))) return refuse(E_OPTIONS, 0, CTL_HUGE);
  let gran = huge != 0 ? huge : page;
  if (ctlBlock() > (<u64>1 << 62)) return refuse(E_OPTIONS, 0, CTL_BLOCK);
  if (ctlChunk() > (<u64>1 << 62)) return refuse(E_OPTIONS, 0, CTL_CHUNK);
  let block = ctlBlock() == 0 ? <u64>0 : roundUp(ctlBlock(), gran);
  let chunk = ctlChunk() == 0 ? <u64>0 : roundUp(ctlChunk(), gran);
  if (maskWords == 0 || maskWords > <u32>(MASK_SLOT_BYTES >>> 3)) return E_MASK_WORDS;
  if (nWeight > 32768) return refuse(E_OPTIONS, 0, 0);
  let n = <usize>nReq, words = <usize>maskWords, m = <usize>nMask;
  if (n == 0) return OK;

  // 1. Masks: canonical index by content, summaries, block sequences.
  let canon = TAKE(<u64>m << 2), summary = TAKE(<u64>m << 2);
  if ((m > 0 && (canon == 0 || summary == 0)) || INTERN_MASKS(maskPtr, m, words, canon, summary) != 0) {
    return refuse(E_MEMORY, 0, 0);
  }
  let weightModes = ctlWeightModes();
  if (block != 0 && BUILD_SEQUENCES(reqPtr, n, maskPtr, m, words, canon, weightPtr, nWeight, weightModes) != 0) {
    return refuse(E_MEMORY, 0, 0);
  }
  let nSeq = block != 0 ? seqCount() : 0;

  // 2. Resolve each request: kernel rules, page range, policy id.
  let se = TAKE(<u64>n << 4), reqPol = TAKE(<u64>n << 2), visible = TAKE((<u64>n + 7) >>> 3);
  if (se == 0 || reqPol == 0 || visible == 0) return refuse(E_MEMORY, 0, 0);
  memory.fill(visible, 0, (n + 7) >>> 3);
  let shift = <u64>ctz(page);
  let code = RESOLVE_REQUESTS(reqPtr, n, m, words, canon, summary, page, block, chunk, weightModes,
    block != 0 ? seqIndexTable() : 0, se, reqPol);
  if (code != OK) { errRule = resolveFailRule(); return refuse(code, resolveFailReq(), 0); }
  let sortedDisjoint = resolveSortedDisjoint(), bound = resolveBound();
  if (bound > MAX_OPS) return refuse(E_TOO_MANY_OPS, 0, bound);

  // 3. Output tables; the ops come last, at the top, as the emitter writes them.
  let outCap = <u64>m + (nSeq > 0 ? min(<u64>seqEntries(), 32768) : 0);
  outMaskPtr = TAKE(outCap * <u64>(words << 3));
  let outSummary = TAKE(outCap << 2), canonOut = TAKE(<u64>m << 2);
  let singleOut = nSeq > 0 ? TAKE(32768 << 2) : 0;
  if ((outCap > 0 && (outMaskPtr == 0 || outSummary == 0)) || (m > 0 && canonOut == 0)
    || (nSeq > 0 && singleOut == 0)) return refuse(E_MEMORY, 0, bound);
  memory.fill(canonOut, 0xff, m << 2);
  if (singleOut != 0) memory.fill(singleOut, 0xff, 32768 << 2);
  emitSetup(reqPol, visible, resolvePolicies(),
    nSeq > 0 ? seqAtTable() : 0, nSeq > 0 ? seqLenTable() : 0, nSeq > 0 ? seqNodeTable() : 0,
    nSeq > 0 ? seqCumTable() : 0, canonOut, singleOut, maskPtr, words, outMaskPtr, outSummary,
    <u32>outCap, <u32>bound, block, chunk, <i32>bmode);

  // 4. Order and overlaps, feeding visible pieces to the emitter in address order.
  if (sortedDisjoint) {
    emitSorted(se, n, shift);
  } else if (ctlOverlap() == <u32>OVERLAP_ERROR) {
    let keys = TAKE(<u64>n << 3), order = TAKE(<u64>n << 2), tmpKeys = TAKE(<u64>n << 3);
    let tmpOrder = TAKE(<u64>n << 2), hist = TAKE(<u64>1 << 18);
    if (keys == 0 || order == 0 || tmpKeys == 0 || tmpOrder == 0 || hist == 0) return refuse(E_MEMORY, 0, 0);
    for (let i: usize = 0; i < n; ++i) {
      store<u64>(keys + (i << 3), load<u64>(se + (i << 4)));
      store<u32>(order + (i << 2), <u32>i);
    }
    if (RADIX_SORT_U64(keys, order, tmpKeys, tmpOrder, hist, n)) order = tmpOrder;
    let maxEnd: u64 = 0, maxReq: u32 = 0;
    for (let k: usize = 0; k < n; ++k) {
      let i = load<u32>(order + (k << 2));
      let s = load<u64>(se + (<usize>i << 4)), e = load<u64>(se + (<usize>i << 4) + 8);
      if (k > 0 && s < maxEnd) return refuse(E_OVERLAP, max(i, maxReq), <u64>min(i, maxReq));
      if (e > maxEnd) { maxEnd = e; maxReq = i; }
    }
    for (let k: usize = 0; k < n; ++k) {
      let i = <usize>load<u32>(order + (k << 2));
      emitPiece(load<u64>(se + (i << 4)) << shift, load<u64>(se + (i << 4) + 8) << shift, <u32>i);
    }
  } else {
    let hist = TAKE(<u64>1 << 18);
    let packed = n < (1 << 24) && resolvePolicyCount() < 255 ? reqPol : 0;
    if (hist == 0 || PAINT(se, n, shift, reqPtr, hist, packed) != OK) return refuse(E_MEMORY, 0, 0);
  }
  emitEnd();

  // 5. Results, statistics, the VMA budget.
  nOps = emitOps();
  opsPtr = emitOpsAt();
  ARENA_REWIND(opsPtr);
  if (TAKE(<u64>nOps * 32) == 0 && nOps > 0) return refuse(E_MEMORY, 0, 0);
  nOutMask = emitOutMasks();
  let pieces = emitPieces(), runs = emitPolicyRuns();
  statCoalesced = pieces - runs;
  statSplits = nOps > runs ? nOps - runs : 0;
  statVmas = emitRuns() + emitGroups();
  statOverridden = <u32>(n - countBits(visible, n));
  if (emitFailCode() != OK) {
    errRule = emitFailRule();
    return refuse(emitFailCode(), emitFailReq(), bound);
  }
  errnosPtr = TAKE(<u64>nOps << 2);
  if (errnosPtr == 0) return refuse(E_MEMORY, 0, 0);
  memory.fill(errnosPtr, 0, <usize>nOps << 2);
  return plan_budget(ctlMapCount(), ctlMaxMap());
}

/**
 * The VMA budget of the last plan: E_VMA_BUDGET when `mapCount` mappings plus the plan's
 * estimate pass `maxMapCount` (0: no budget), else OK. plan_run applies it with the control
 * block's values; the host may apply it again with a fresher count without planning again.
 */
export function plan_budget(mapCount: u32, maxMapCount: u32): i32 {
  if (maxMapCount != 0 && <u64>mapCount + <u64>statVmas > <u64>maxMapCount) {
    return refuse(E_VMA_BUDGET, 0, <u64>statVmas);
  }
  return OK;
}
