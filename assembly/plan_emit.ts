// The planner's output stage: visible pieces (start, end, request) arrive in address order;
// interleave requests are cut into blocks bound to single nodes, everything is cut at chunk
// boundaries, equal neighbours are coalesced, and each op is validated as it is written.
import {
  E_MEMORY, E_RULE, E_TOO_MANY_OPS, MPOL_F_RELATIVE_NODES, MPOL_F_STATIC_NODES, NO_MASK, OK, OP_ADDR,
  OP_FLAGS, OP_LEN, OP_MASK, OP_MODE, OP_REQUEST, OP_SIZE, REQ_MBIND_FLAGS, V_OK,
} from "./abi";
import { POL_CANON, POL_FLAGS, POL_MODE, POL_SEQ, POL_SIZE } from "./plan_resolve";
import { ARENA_TOP, ENSURE } from "./util/arena";
import {
  MASK_SUMMARY, MS_EMPTY, VALIDATE, VERDICT_CREATE, VERDICT_POLICY, VERDICT_RANGE,
} from "./validate";

// Tables set up by the planner (emitSetup); all pointers into the arena.
let reqPol: usize = 0; //       u32 per request: policy id
let visible: usize = 0; //      1 bit per request: set once a piece of it is seen
let policies: usize = 0; //     POL_SIZE bytes per policy id (plan_resolve.ts)
let seqAt: usize = 0; //        u32 per sequence: first entry in seqNode/seqCum
let seqLen: usize = 0; //       u32 per sequence: entries
let seqNode: usize = 0; //      u32 per entry: node
let seqCum: usize = 0; //       u64 per entry: cumulative weight up to and including it
let canonOut: usize = 0; //     u32 per input mask: op mask index, NO_MASK until used
let singleOut: usize = 0; //    u32 per node (32768): op mask index of {node}
let inMasks: usize = 0; //      the request mask table
let words: usize = 1;
let outMasks: usize = 0, outSummary: usize = 0, outCap: u32 = 0, nOut: u32 = 0;
// Ops go at the arena's top, which nothing else takes while pieces arrive, and grow as they
// come: a plan's ops are usually far fewer than its bound.
let ops: usize = 0, opCap: u32 = 0, nOps: u32 = 0, maxOps: u32 = 0;
let block: u64 = 0, chunk: u64 = 0, blockMode: i32 = 0;

// The run being built.
let have = false, curS: u64 = 0, curE: u64 = 0, curMode: i32 = 0, curFlags: u32 = 0;
let curMask: u32 = 0, curSummary: u32 = 0, curReq: u32 = 0;
// Whether the run's (mode, flags, mask) is a policy RESOLVE_REQUESTS interned: its policy rules
// held there, on the same mask content, so its op needs only the range rules.
let curResolved = false;
// Statistics.
let pieces: u32 = 0, policyRuns: u32 = 0, runs: u32 = 0, groups: u32 = 0;
let prevPieceEnd: u64 = 0, prevPiecePol: u32 = NO_MASK, anyPiece = false;
// The policy id whose piece started or last extended the current run through the plain path
// (no blocks, no chunks), NO_MASK otherwise: a next piece of that policy that starts where
// the run ends only moves the run's end (emitPiece's fast path).
let runPol: u32 = NO_MASK;
// First failure: E_* code, the request, and the V_* rule.
let failCode: i32 = OK, failReq: u32 = 0, failRule: i32 = 0;

/** Installs the tables for one plan_run and clears the run state. */
export function emitSetup(
  reqPol_: usize, visible_: usize, policies_: usize, seqAt_: usize, seqLen_: usize,
  seqNode_: usize, seqCum_: usize, canonOut_: usize, singleOut_: usize, inMasks_: usize,
  words_: usize, outMasks_: usize, outSummary_: usize, outCap_: u32, maxOps_: u32,
  block_: u64, chunk_: u64, blockMode_: i32,
): void {
  reqPol = reqPol_; visible = visible_; policies = policies_; seqAt = seqAt_; seqLen = seqLen_;
  seqNode = seqNode_; seqCum = seqCum_; canonOut = canonOut_; singleOut = singleOut_;
  inMasks = inMasks_; words = words_; outMasks = outMasks_; outSummary = outSummary_;
  outCap = outCap_; nOut = 0; ops = 0; opCap = 0; nOps = 0; maxOps = maxOps_;
  block = block_; chunk = chunk_; blockMode = blockMode_;
  have = false; pieces = 0; policyRuns = 0; runs = 0; groups = 0;
  prevPieceEnd = 0; prevPiecePol = NO_MASK; anyPiece = false; runPol = NO_MASK;
  failCode = OK; failReq = 0; failRule = 0;
  okValid = false; ok2Valid = false; // the control block (facts) may have changed
}

export function emitOps(): u32 { return nOps; }
/** Where the ops start (the arena's top when none was written); they end nOps * OP_SIZE on. */
export function emitOpsAt(): usize { return ops != 0 ? ops : ARENA_TOP(); }
export function emitOutMasks(): u32 { return nOut; }
export function emitPieces(): u32 { return pieces; }
export function emitPolicyRuns(): u32 { return policyRuns; }
export function emitRuns(): u32 { return runs; }
export function emitGroups(): u32 { return groups; }
export function emitFailCode(): i32 { return failCode; }
export function emitFailReq(): u32 { return failReq; }
export function emitFailRule(): i32 { return failRule; }

// @ts-ignore: decorator
@inline function fail(code: i32, req: u32, rule: i32): void {
  if (failCode == OK) { failCode = code; failReq = req; failRule = rule; }
}

/**
 * Takes the next op mask index for the mask the caller has just written at that index in the
 * op mask table, and records the mask's summary.
 */
// @ts-ignore: decorator
@inline function newOut(summary: u32): u32 {
  let at = nOut++;
  store<u32>(outSummary + (<usize>at << 2), summary);
  return at;
}

/**
 * Op mask index of canonical input mask c (copied to the op table on first use). When blocks
 * are in play a one-node mask shares the index of that node's block mask, so a block and a
 * neighbour bound to the same node coalesce.
 */
function outOfCanon(c: u32): u32 {
  let slot = canonOut + (<usize>c << 2);
  let at = load<u32>(slot);
  if (at != NO_MASK) return at;
  let bytes = words << 3;
  if (singleOut != 0) {
    let src = inMasks + <usize>c * bytes, node: i32 = -1, count: u32 = 0;
    for (let i: usize = 0; i < words; ++i) {
      let w = load<u64>(src + (i << 3));
      if (w == 0) continue;
      count += <u32>popcnt(w);
      node = <i32>((i << 6) + <usize>ctz(w));
    }
    if (count == 1) {
      at = outOfNode(<u32>node);
      store<u32>(slot, at);
      return at;
    }
  }
  if (nOut >= outCap) { fail(E_TOO_MANY_OPS, curReq, 0); return NO_MASK; }
  let dst = outMasks + <usize>nOut * bytes;
  memory.copy(dst, inMasks + <usize>c * bytes, bytes);
  at = newOut(MASK_SUMMARY(dst, words));
  store<u32>(slot, at);
  return at;
}

/** Op mask index of the single-node mask {node}. */
function outOfNode(node: u32): u32 {
  let slot = singleOut + (<usize>node << 2);
  let at = load<u32>(slot);
  if (at != NO_MASK) return at;
  if (nOut >= outCap) { fail(E_TOO_MANY_OPS, curReq, 0); return NO_MASK; }
  let bytes = words << 3;
  let dst = outMasks + <usize>nOut * bytes;
  memory.fill(dst, 0, bytes);
  let w = dst + ((<usize>node >>> 6) << 3);
  store<u64>(w, <u64>1 << (<u64>node & 63));
  at = newOut(MASK_SUMMARY(dst, words));
  store<u32>(slot, at);
  return at;
}

// @ts-ignore: decorator
@inline function summaryOf(om: u32): u32 {
  return om == NO_MASK ? MS_EMPTY : load<u32>(outSummary + (<usize>om << 2));
}

// The last two policies (mode, flags, op mask) whose rules held, for the block ops (their
// mode and one-node masks are the emitter's, not a resolved policy's). An op whose policy
// rules held needs only the range rules, which come between the policy rules in the kernel's
// order but cannot change their outcome.
let okMode: i32 = 0, okFlags: u32 = 0, okMask: u32 = 0, okValid = false;
let ok2Mode: i32 = 0, ok2Flags: u32 = 0, ok2Mask: u32 = 0, ok2Valid = false;

/** The kernel's verdict on the current run as one mbind. */
// @ts-ignore: decorator
@inline function verdict(): i32 {
  if (curResolved || (okValid && curMode == okMode && curFlags == okFlags && curMask == okMask)
    || (ok2Valid && curMode == ok2Mode && curFlags == ok2Flags && curMask == ok2Mask)) {
    return VERDICT_RANGE(curS, curE - curS);
  }
  let has = curMask != NO_MASK;
  if (VERDICT_POLICY(curMode, has, <u64>words, curSummary, curFlags & REQ_MBIND_FLAGS) == V_OK
    && VERDICT_CREATE(curMode, has, curSummary) == V_OK) {
    ok2Mode = okMode; ok2Flags = okFlags; ok2Mask = okMask; ok2Valid = okValid;
    okMode = curMode; okFlags = curFlags; okMask = curMask; okValid = true;
  }
  return VALIDATE(curS, curE - curS, curMode, has, <u64>words, curSummary, curFlags & REQ_MBIND_FLAGS);
}

/** Writes the current run as one op, after checking it against the kernel's rules. */
function flush(): void {
  if (!have) return;
  have = false;
  if (nOps >= opCap && !growOps()) return;
  let v = verdict();
  if (v != V_OK) fail(E_RULE, curReq, v);
  let op = ops + <usize>nOps * OP_SIZE;
  store<u64>(op + OP_ADDR, curS);
  store<u64>(op + OP_LEN, curE - curS);
  store<i32>(op + OP_MODE, curMode);
  store<u32>(op + OP_FLAGS, curFlags & REQ_MBIND_FLAGS); // home node bits stay in the request
  store<u32>(op + OP_MASK, curMask);
  store<u32>(op + OP_REQUEST, curReq);
  nOps++;
}

/** Room for more ops at the arena's top (doubling); false after recording the failure. */
function growOps(): bool {
  if (nOps >= maxOps) { fail(E_TOO_MANY_OPS, curReq, 0); return false; }
  if (ops == 0) ops = ARENA_TOP();
  let cap = min(max<u32>(opCap << 1, 256), maxOps);
  if (!ENSURE(<u64>ops + <u64>cap * OP_SIZE)) { fail(E_MEMORY, curReq, 0); return false; }
  opCap = cap;
  return true;
}

/** Adds [a, b) with one effective policy; `cut` says a chunk boundary falls at a. */
// @ts-ignore: decorator
@inline function pushOne(a: u64, b: u64, mode: i32, flags: u32, om: u32, req: u32, cut: bool, resolved: bool): void {
  if (have && curE == a && curMode == mode && curFlags == flags && curMask == om) {
    if (!cut) { curE = b; return; }
    flush(); // same policy, new op: only the chunk boundary separates them
  } else {
    let contiguous = have && curE == a;
    if (!contiguous && nOps > 0) {
      let prev = ops + <usize>(nOps - 1) * OP_SIZE;
      contiguous = load<u64>(prev + OP_ADDR) + load<u64>(prev + OP_LEN) == a;
    }
    flush();
    runs++;
    if (!contiguous) groups++;
  }
  have = true; curS = a; curE = b; curMode = mode; curFlags = flags; curMask = om;
  curSummary = summaryOf(om); curReq = req; curResolved = resolved;
}

/** Adds [s, e) with one effective policy, cut at every multiple of the chunk size. */
function push(s: u64, e: u64, mode: i32, flags: u32, om: u32, req: u32, resolved: bool): void {
  if (chunk == 0) { pushOne(s, e, mode, flags, om, req, false, resolved); return; }
  let a = s;
  while (a < e) {
    let next = a + (chunk - a % chunk);
    let b = next < a || next > e ? e : next; // next < a: the multiple lies past 2^64
    pushOne(a, b, mode, flags, om, req, a % chunk == 0, resolved);
    a = b;
  }
}

/** Node of block `bi` in sequence `q`: weighted round-robin over its entries. */
// @ts-ignore: decorator
@inline function nodeFor(q: u32, bi: u64): u32 {
  let at = <usize>load<u32>(seqAt + (<usize>q << 2)), n = <usize>load<u32>(seqLen + (<usize>q << 2));
  let total = load<u64>(seqCum + ((at + n - 1) << 3));
  let r = bi % total;
  if (total == <u64>n) return load<u32>(seqNode + ((at + <usize>r) << 2));
  let lo: usize = 0, hi = n - 1; // smallest k with cum[k] > r
  while (lo < hi) {
    let mid = (lo + hi) >>> 1;
    if (load<u64>(seqCum + ((at + mid) << 3)) > r) hi = mid; else lo = mid + 1;
  }
  return load<u32>(seqNode + ((at + lo) << 2));
}

/** Takes the visible piece [s, e) of request `req`; pieces arrive in address order. */
export function emitPiece(s: u64, e: u64, req: u32): void {
  emitPolicyPiece(s, e, req, load<u32>(reqPol + (<usize>req << 2)));
}

/** emitPiece for a caller that knows the request's policy id `p` (saves a random load). */
export function emitPolicyPiece(s: u64, e: u64, req: u32, p: u32): void {
  let bit = visible + (<usize>req >>> 3);
  store<u8>(bit, load<u8>(bit) | ((<u8>1) << <u8>(req & 7)));
  pieces++;
  emitRun(s, e, req, p);
}

/** emitPolicyPiece without the visibility bit and the piece count (the caller keeps them). */
function emitRun(s: u64, e: u64, req: u32, p: u32): void {
  // Sorted batches are mostly runs of one policy: a piece that continues the current run
  // needs none of the policy's tables (runPol != NO_MASK implies have and curE == prevPieceEnd).
  if (p == runPol && s == curE) { prevPieceEnd = e; curE = e; return; }
  runPol = NO_MASK;
  if (!anyPiece || s != prevPieceEnd || p != prevPiecePol) policyRuns++;
  anyPiece = true; prevPieceEnd = e; prevPiecePol = p;
  let pp = policies + <usize>p * POL_SIZE;
  let mode = load<i32>(pp + POL_MODE), flags = load<u32>(pp + POL_FLAGS);
  let q = load<u32>(pp + POL_SEQ);
  if (q == NO_MASK) {
    let c = load<u32>(pp + POL_CANON);
    let om = c == NO_MASK ? NO_MASK : outOfCanon(c);
    if (chunk == 0) { pushOne(s, e, mode, flags, om, req, false, true); runPol = p; }
    else push(s, e, mode, flags, om, req, true);
    return;
  }
  // Interleave by blocks: each block of `block` bytes, counted from address 0, goes to one node.
  let bmode = blockMode | (mode & (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES));
  let a = s;
  while (a < e) {
    let bi = a / block;
    let next = a + (block - a % block);
    let b = next < a || next > e ? e : next;
    push(a, b, bmode, flags, outOfNode(nodeFor(q, bi)), req, false);
    a = b;
  }
}

/**
 * The pieces of a sorted, disjoint batch: request i is the piece [se[2i], se[2i+1]) (pages,
 * `shift` their log2 size), all visible. A run of one policy whose pieces touch is extended
 * here, in locals; the first piece of each run goes through emitRun.
 */
export function emitSorted(se: usize, n: usize, shift: u64): void {
  memory.fill(visible, 0xff, (n + 7) >>> 3);
  pieces += <u32>n;
  let i: usize = 0;
  while (i < n) {
    let at = se + (i << 4), p = load<u32>(reqPol + (i << 2));
    emitRun(load<u64>(at) << shift, load<u64>(at, 8) << shift, <u32>i, p);
    ++i;
    if (runPol == NO_MASK) continue;
    let end = load<u64>(at, 8);
    while (i < n && load<u32>(reqPol + (i << 2)) == p && load<u64>(se + (i << 4)) == end) {
      end = load<u64>(se + (i << 4), 8);
      ++i;
    }
    curE = end << shift; prevPieceEnd = curE;
  }
}

/** Writes the last run. */
export function emitEnd(): void { flush(); }
