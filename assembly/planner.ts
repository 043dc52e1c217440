// The range planner: requests (packed records, abi.ts) in, the minimum list of mbind ops out.
// One call per batch; every buffer is taken from the stub runtime's heap once per call and
// dropped by the next call's heap.reset(), so no loop allocates.
import {
  E_MASK_INDEX, E_MASK_WORDS, E_NODES_UNUSABLE, E_NO_FULL_PAGE, E_OVERLAP, E_PAGE_SIZE,
  E_UNALIGNED, E_EMPTY_RANGE, E_WRAP, KIND_BUFFER, MASK_SLOT_BYTES, MPOL_BIND,
  MPOL_F_RELATIVE_NODES, MPOL_INTERLEAVE, MPOL_MODE_FLAGS, MPOL_PREFERRED,
  MPOL_PREFERRED_MANY, MPOL_WEIGHTED_INTERLEAVE, NO_MASK, OK, OP_ADDR, OP_FLAGS, OP_LEN,
  OP_MASK, OP_MODE, OP_REQUEST, OP_SIZE, REQ_ADDR, REQ_FLAGS, REQ_KIND, REQ_LEN, REQ_MASK,
  REQ_MODE, REQ_SIZE, SLOT_USABLE,
} from "./abi";
import { mask_slot } from "./nodemask";
import { MASK_EQUALS, MASK_HASH, MASK_INTERSECTS, MASK_IS_EMPTY } from "./util/mask";
import { RADIX_SORT_U64 } from "./util/sort";

// Inputs, set by plan_input.
let reqPtr: usize = 0, nReq: u32 = 0, maskPtr: usize = 0, nMask: u32 = 0, maskWords: u32 = 1;
// Outputs.
let opsPtr: usize = 0, nOps: u32 = 0, outMaskPtr: usize = 0, nOutMask: u32 = 0;
let errnosPtr: usize = 0;
let errIndex: u32 = 0, errOther: u32 = 0;
let statCoalesced: u32 = 0, statSplits: u32 = 0, statVmas: u32 = 0;

// @ts-ignore: decorator
@inline function align8(n: usize): usize { return (n + 7) & ~<usize>7; }

// @ts-ignore: decorator
@inline function take(bytes: usize): usize { return heap.alloc(align8(bytes < 8 ? 8 : bytes)); }

/**
 * Starts a batch: drops the previous plan and returns where the host writes `nRequests`
 * request records followed (8-aligned) by `nMasks` masks of `words` u64 each.
 */
export function plan_input(nRequests: u32, nMasks: u32, words: u32): usize {
  heap.reset();
  nReq = nRequests; nMask = nMasks; maskWords = words;
  nOps = 0; nOutMask = 0;
  let reqBytes = align8(<usize>nRequests * REQ_SIZE);
  reqPtr = take(reqBytes + <usize>nMasks * <usize>words * 8);
  maskPtr = reqPtr + reqBytes;
  return reqPtr;
}

export function plan_mask_table(): usize { return maskPtr; }
export function plan_ops(): usize { return opsPtr; }
export function plan_op_count(): u32 { return nOps; }
export function plan_masks(): usize { return outMaskPtr; }
export function plan_mask_count(): u32 { return nOutMask; }
export function plan_mask_words(): u32 { return maskWords; }
export function plan_errnos(): usize { return errnosPtr; }
export function plan_err_index(): u32 { return errIndex; }
export function plan_err_other(): u32 { return errOther; }
export function plan_coalesced(): u32 { return statCoalesced; }
export function plan_splits(): u32 { return statSplits; }
export function plan_estimated_vmas(): u32 { return statVmas; }

// @ts-ignore: decorator
@inline function needsNodes(mode: i32): bool {
  return mode == MPOL_BIND || mode == MPOL_INTERLEAVE || mode == MPOL_PREFERRED_MANY
    || mode == MPOL_WEIGHTED_INTERLEAVE || mode == MPOL_PREFERRED;
}

/**
 * Plans the batch written after plan_input. Returns OK or an E_* code with plan_err_index()
 * naming the request at fault.
 */
export function plan_run(pageSize: u32): i32 {
  if (pageSize < 4096 || (pageSize & (pageSize - 1)) != 0) return E_PAGE_SIZE;
  if (maskWords == 0 || maskWords > <u32>(MASK_SLOT_BYTES >>> 3)) return E_MASK_WORDS;
  let n = <usize>nReq, words = <usize>maskWords, page = <u64>pageSize;
  let pageMask = page - 1, maskBytes = words << 3;

  // 1. Each request's page range [start, end), and its policy's canonical mask.
  let starts = take(n << 3), ends = take(n << 3), order = take(n << 2);
  let canon = internMasks(words);
  let usableChecked = take(<usize>nMask), usable = mask_slot(SLOT_USABLE);
  memory.fill(usableChecked, 0, <usize>nMask);
  for (let i: usize = 0; i < n; ++i) {
    let r = reqPtr + i * REQ_SIZE;
    let addr = load<u64>(r + REQ_ADDR), len = load<u64>(r + REQ_LEN);
    let end = addr + len;
    errIndex = <u32>i;
    if (end < addr) return E_WRAP;
    let s: u64, e: u64;
    if (load<u32>(r + REQ_KIND) & KIND_BUFFER) {
      s = (addr + pageMask) & ~pageMask; // may wrap to 0 at the top of the space: e < s then
      e = end & ~pageMask;
      if (s == 0 && addr != 0 || e <= s) return E_NO_FULL_PAGE;
    } else {
      if (((addr | len) & pageMask) != 0) return E_UNALIGNED;
      if (len == 0) return E_EMPTY_RANGE;
      s = addr; e = end;
    }
    store<u64>(starts + (i << 3), s);
    store<u64>(ends + (i << 3), e);
    store<u32>(order + (i << 2), <u32>i);

    let m = load<u32>(r + REQ_MASK);
    if (m != NO_MASK && m >= nMask) return E_MASK_INDEX;
    let mode = load<i32>(r + REQ_MODE);
    if (m != NO_MASK && needsNodes(mode & ~MPOL_MODE_FLAGS) && !(mode & MPOL_F_RELATIVE_NODES)) {
      let c = load<u32>(canon + (<usize>m << 2));
      let seen = load<u8>(usableChecked + c);
      if (seen == 0) {
        seen = MASK_IS_EMPTY(maskPtr + <usize>c * maskBytes, words)
          || MASK_INTERSECTS(maskPtr + <usize>c * maskBytes, usable, words) ? 1 : 2;
        store<u8>(usableChecked + c, seen);
      }
      if (seen == 2) return E_NODES_UNUSABLE;
    }
  }

  // 2. Order by start page, stably (equal starts keep request order).
  let keys = take(n << 3);
  let pageShift = <u64>ctz(page);
  for (let i: usize = 0; i < n; ++i) store<u64>(keys + (i << 3), load<u64>(starts + (i << 3)) >>> pageShift);
  let tmpKeys = take(n << 3), tmpOrder = take(n << 2), hist = take(<usize>(1 << 16) << 2);
  if (RADIX_SORT_U64(keys, order, tmpKeys, tmpOrder, hist, n)) order = tmpOrder;

  // 3. Sweep in address order, coalescing runs of equal policy into ops.
  opsPtr = take(n * OP_SIZE);
  errnosPtr = take(n << 2);
  let outIndex = take(<usize>nMask << 2);
  memory.fill(outIndex, 0xff, <usize>nMask << 2);
  outMaskPtr = take(<usize>nMask * maskBytes);
  let groups: u32 = 0;
  let prevEnd: u64 = 0, prevReq: u32 = 0;
  let op: usize = opsPtr;
  for (let k: usize = 0; k < n; ++k) {
    let i = <usize>load<u32>(order + (k << 2));
    let s = load<u64>(starts + (i << 3)), e = load<u64>(ends + (i << 3));
    if (k > 0 && s < prevEnd) {
      // Overlap resolution (last-wins) is not built yet: every overlap is refused.
      errIndex = <u32>i; errOther = prevReq;
      return E_OVERLAP;
    }
    let r = reqPtr + i * REQ_SIZE;
    let mode = load<i32>(r + REQ_MODE), flags = load<u32>(r + REQ_FLAGS);
    let m = load<u32>(r + REQ_MASK);
    let om = m == NO_MASK ? NO_MASK : outMask(load<u32>(canon + (<usize>m << 2)), outIndex, maskBytes);
    if (op != opsPtr && s == prevEnd && load<i32>(op - OP_SIZE + OP_MODE) == mode
        && load<u32>(op - OP_SIZE + OP_FLAGS) == flags && load<u32>(op - OP_SIZE + OP_MASK) == om) {
      store<u64>(op - OP_SIZE + OP_LEN, e - load<u64>(op - OP_SIZE + OP_ADDR));
    } else {
      if (op == opsPtr || s != prevEnd) groups++;
      store<u64>(op + OP_ADDR, s);
      store<u64>(op + OP_LEN, e - s);
      store<i32>(op + OP_MODE, mode);
      store<u32>(op + OP_FLAGS, flags);
      store<u32>(op + OP_MASK, om);
      store<u32>(op + OP_REQUEST, <u32>i);
      op += OP_SIZE;
    }
    prevEnd = e; prevReq = <u32>i;
  }
  nOps = <u32>((op - opsPtr) / OP_SIZE);
  memory.fill(errnosPtr, 0, <usize>nOps << 2);
  statCoalesced = nReq - nOps;
  statSplits = 0;
  // Upper bound on mappings added: each op may become its own VMA, and each contiguous group
  // of ops may split one more off the mapping it sits in.
  statVmas = nOps + groups;
  return OK;
}

/** Index in the op mask table of canonical mask `c`, copying it there on first use. */
function outMask(c: u32, outIndex: usize, maskBytes: usize): u32 {
  let at = load<u32>(outIndex + (<usize>c << 2));
  if (at == NO_MASK) {
    at = nOutMask++;
    store<u32>(outIndex + (<usize>c << 2), at);
    memory.copy(outMaskPtr + <usize>at * maskBytes, maskPtr + <usize>c * maskBytes, maskBytes);
  }
  return at;
}

/**
 * Maps every mask index to the first index holding the same bits, so that policies compare
 * by integer. Open addressing over a power-of-two table of (index + 1).
 */
function internMasks(words: usize): usize {
  let m = <usize>nMask, maskBytes = words << 3;
  let canon = take(m << 2);
  let cap: usize = 16;
  while (cap < m * 2) cap <<= 1;
  let table = take(cap << 2);
  memory.fill(table, 0, cap << 2);
  for (let i: usize = 0; i < m; ++i) {
    let p = maskPtr + i * maskBytes;
    let slot = <usize>MASK_HASH(p, words) & (cap - 1);
    while (true) {
      let e = <usize>load<u32>(table + (slot << 2));
      if (e == 0) {
        store<u32>(table + (slot << 2), <u32>(i + 1));
        store<u32>(canon + (i << 2), <u32>i);
        break;
      }
      if (MASK_EQUALS(maskPtr + (e - 1) * maskBytes, p, words)) {
        store<u32>(canon + (i << 2), <u32>(e - 1));
        break;
      }
      slot = (slot + 1) & (cap - 1);
    }
  }
  return canon;
}
