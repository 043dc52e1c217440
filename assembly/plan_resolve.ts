// Phase 2 of plan_run: resolve each request on its own. The kernel rules that depend only on
// the policy, the page range (buffers shrink to the pages they own, raw ranges must be
// aligned), and a policy id interned by (mode, flags, canonical mask), so that later phases
// compare policies as integers. Runs once per request with raw loads and stores; the tables it
// fills are the planner's, taken from the arena before the loop.
import {
  E_EMPTY_RANGE, E_MASK_INDEX, E_MEMORY, E_NO_FULL_PAGE, E_RULE, E_UNALIGNED, E_WEIGHT, E_WRAP, KIND_BUFFER,
  NO_MASK, OK, REQ_ADDR, REQ_FLAGS, REQ_KIND, REQ_LEN, REQ_MASK, REQ_MBIND_FLAGS, REQ_MODE, REQ_SIZE, V_NOOP, V_OK,
} from "./abi";
import { IS_INTERLEAVE, SEQ_KEY, seqLenTable } from "./plan_masks";
import { TAKE } from "./util/arena";
import { MS_EMPTY, VERDICT_CREATE, VERDICT_POLICY, VERDICT_RANGE } from "./validate";

// What RESOLVE_REQUESTS returns besides its code (scratch globals, as util/number.ts does).
let failReq: u32 = 0, failRule: i32 = 0, sortedDisjoint = true, bound: u64 = 0, policies: usize = 0;
let policyCount: u32 = 0;

/** Policy record (resolvePolicies): POL_SIZE bytes per policy id. */
export const POL_SIZE: usize = 16;
export const POL_MODE: usize = 0; //  i32 kernel mode | mode flags
export const POL_FLAGS: usize = 4; // u32 the request's flags word (mbind flags, home node)
export const POL_CANON: usize = 8; // u32 canonical input mask, NO_MASK for none
export const POL_SEQ: usize = 12; //  u32 block sequence, NO_MASK for none

/** The policy records of the last RESOLVE_REQUESTS, indexed by policy id. */
export function resolvePolicies(): usize { return policies; }
/** How many policy ids the last RESOLVE_REQUESTS gave out. */
export function resolvePolicyCount(): u32 { return policyCount; }

/** The request a refusal names. */
export function resolveFailReq(): u32 { return failReq; }
/** The V_* rule of an E_RULE refusal (0 for the other codes). */
export function resolveFailRule(): i32 { return failRule; }
/** Whether the requests came sorted by start and disjoint (the planner's fast path). */
export function resolveSortedDisjoint(): bool { return sortedDisjoint; }
/** An upper bound on the ops the requests can make: two pieces each, plus block and chunk cuts. */
export function resolveBound(): u64 { return bound; }

/** Multiples of `x` strictly inside (s, e): the cuts a block or chunk size makes there. */
// @ts-ignore: decorator
@inline function cuts(s: u64, e: u64, x: u64): u64 { return (e - 1) / x - s / x; }

// A direct-mapped cache of the policy ids of raw (mode, flags, input mask index) triples,
// DM_SLOTS entries of 16 bytes: u32 mode, u32 flags, u32 mask index, u32 policy id (NO_MASK:
// empty). Random batches change policy on almost every request; a hit skips the canonical
// mask, its summary and the intern table, and is predictable where a one-entry cache misses.
// @ts-ignore: decorator
@inline const DM_SLOTS: usize = 256;
const DM: usize = memory.data(<i32>(DM_SLOTS << 4), 16);

// @ts-ignore: decorator
@inline function dmSlot(mode: i32, flags: u32, mi: u32): usize {
  let h = (<u32>mode * 0x9e3779b1) ^ (flags * 0xc2b2ae3d) ^ (mi * 0x85ebca77);
  return DM + (<usize>(h >>> 24) << 4);
}

/** The first slot of a (mode, flags, canonical mask) triple in an intern table of `cap` slots. */
// @ts-ignore: decorator
@inline function polSlot(mode: i32, flags: u32, c: u32, cap: usize): usize {
  let h = (<u32>mode * 0x9e3779b1) ^ (flags * 0x85ebca77) ^ (c * 0xc2b2ae3d);
  return <usize>(h ^ (h >>> 15)) & (cap - 1);
}

// @ts-ignore: decorator
@inline function fail(code: i32, req: usize, rule: i32): i32 {
  failReq = <u32>req; failRule = rule;
  return code;
}

/**
 * Resolves `n` request records at `reqs`: checks each against the policy rules and its range,
 * writes its page-number range (`se`: start and end of request i at u64 2i and 2i+1, in pages
 * of `page` bytes) and its policy id (reqPol: u32), and interns the policies (resolvePolicies:
 * POL_SIZE bytes each, taken from the arena and grown as policies appear, so that 10^7
 * requests of a few policies need no per-request policy table). `canon` and `summary` come
 * from INTERN_MASKS; with blocks (`block` != 0) the sequences from BUILD_SEQUENCES, indexed
 * by `seqIdx`. Returns OK or the E_* code of the first request refused (resolveFailReq,
 * resolveFailRule).
 */
export function RESOLVE_REQUESTS(reqs: usize, n: usize, nMask: usize, words: usize, canon: usize,
  summary: usize, page: u64, block: u64, chunk: u64, weightModes: u32, seqIdx: usize,
  se: usize, reqPol: usize): i32 {
  failReq = 0; failRule = 0; sortedDisjoint = true; bound = 0; policyCount = 0;
  let shift = <u64>ctz(page), pm = page - 1;
  let nPol: u32 = 0;
  // The intern table starts at 2n slots up to 1024 and the policy records at half that; both
  // grow (x4) when a batch has many policies.
  let cap: usize = 16;
  while (cap < n * 2 && cap < 1024) cap <<= 1;
  let polTable = TAKE(<u64>cap << 2), pols = TAKE(<u64>(cap >>> 1) * POL_SIZE);
  if (polTable == 0 || pols == 0) return fail(E_MEMORY, 0, 0);
  memory.fill(polTable, 0, cap << 2);
  policies = pols;
  // A triple in the cache passed the policy rules already (they depend on nothing else).
  // Emptied per batch: the mask indexes name this batch's masks.
  memory.fill(DM, 0xff, DM_SLOTS << 4);
  let prevEnd: u64 = 0;
  for (let i: usize = 0; i < n; ++i) {
    let r = reqs + i * REQ_SIZE;
    let addr = load<u64>(r + REQ_ADDR), len = load<u64>(r + REQ_LEN);
    let mode = load<i32>(r + REQ_MODE), flags = load<u32>(r + REQ_FLAGS);
    let mi = load<u32>(r + REQ_MASK);
    let dm = dmSlot(mode, flags, mi), dmKey = <u64><u32>mode | (<u64>flags << 32);
    let cached = load<u64>(dm) == dmKey && load<u32>(dm, 8) == mi;
    let pol: u32 = cached ? load<u32>(dm, 12) : NO_MASK;
    let c: u32 = NO_MASK, has = false, sum: u32 = MS_EMPTY, v: i32 = V_OK, slot: usize = 0;
    if (pol == NO_MASK) {
      if (mi != NO_MASK && <usize>mi >= nMask) return fail(E_MASK_INDEX, i, 0);
      c = mi == NO_MASK ? NO_MASK : load<u32>(canon + (<usize>mi << 2));
      has = c != NO_MASK;
      sum = has ? load<u32>(summary + (<usize>c << 2)) : MS_EMPTY;
      // Policy id: (mode, flags, canonical mask), interned. A policy seen before passed the
      // policy rules already (they depend on nothing else), so only a new one is checked.
      slot = polSlot(mode, flags, c, cap);
      while (true) {
        let at = load<u32>(polTable + (slot << 2));
        if (at == 0) break;
        let pp = pols + <usize>(at - 1) * POL_SIZE;
        if (load<i32>(pp + POL_MODE) == mode && load<u32>(pp + POL_FLAGS) == flags && load<u32>(pp + POL_CANON) == c) {
          pol = at - 1;
          break;
        }
        slot = (slot + 1) & (cap - 1);
      }
      if (pol == NO_MASK) {
        // The home node bits are part of the policy's identity, not of what mbind is given.
        v = VERDICT_POLICY(mode, has, <u64>words, sum, flags & REQ_MBIND_FLAGS);
        if (v != V_OK) return fail(E_RULE, i, v);
      }
    }
    let s: u64, e: u64;
    if ((load<u32>(r + REQ_KIND) & KIND_BUFFER) != 0) {
      let end = addr + len;
      if (end < addr) return fail(E_WRAP, i, 0);
      s = (addr + pm) & ~pm; // wraps to 0 at the top of the space; e <= s catches it
      e = end & ~pm;
      if ((s == 0 && addr != 0) || e <= s) return fail(E_NO_FULL_PAGE, i, 0);
    } else {
      v = VERDICT_RANGE(addr, len);
      if (v != V_OK && v != V_NOOP) return fail(E_RULE, i, v);
      if (len == 0) return fail(E_EMPTY_RANGE, i, 0);
      if (addr + len < addr || addr + len == 0) return fail(E_WRAP, i, 0);
      if (((addr | len) & pm) != 0) return fail(E_UNALIGNED, i, 0);
      s = addr; e = addr + len;
    }
    if (pol == NO_MASK) {
      v = VERDICT_CREATE(mode, has, sum);
      if (v != V_OK) return fail(E_RULE, i, v);
      pol = nPol++;
      store<u32>(polTable + (slot << 2), pol + 1);
      let pp = pols + <usize>pol * POL_SIZE;
      store<i32>(pp + POL_MODE, mode);
      store<u32>(pp + POL_FLAGS, flags);
      store<u32>(pp + POL_CANON, c);
      let q = NO_MASK;
      if (block != 0 && has && IS_INTERLEAVE(mode)) {
        q = load<u32>(seqIdx + (SEQ_KEY(c, mode, weightModes) << 2));
        if (q == NO_MASK || load<u32>(seqLenTable() + (<usize>q << 2)) == 0) return fail(E_WEIGHT, i, 0);
      }
      store<u32>(pp + POL_SEQ, q);
      // Kept at most half full: a batch has few distinct policies, so the table starts
      // small and grows (x4, rehashed) only for batches that have many.
      if (<usize>nPol * 2 >= cap) {
        let bigger = cap << 2, table = TAKE(<u64>bigger << 2), more = TAKE(<u64>(bigger >>> 1) * POL_SIZE);
        if (table == 0 || more == 0) return fail(E_MEMORY, i, 0);
        memory.fill(table, 0, bigger << 2);
        memory.copy(more, pols, <usize>nPol * POL_SIZE);
        pols = more; policies = more;
        for (let k: u32 = 0; k < nPol; ++k) {
          let kk = pols + <usize>k * POL_SIZE;
          let at2 = polSlot(load<i32>(kk + POL_MODE), load<u32>(kk + POL_FLAGS), load<u32>(kk + POL_CANON), bigger);
          while (load<u32>(table + (at2 << 2)) != 0) at2 = (at2 + 1) & (bigger - 1);
          store<u32>(table + (at2 << 2), k + 1);
        }
        polTable = table; cap = bigger;
      }
    }
    if (!cached) { store<u64>(dm, dmKey); store<u32>(dm, mi, 8); store<u32>(dm, pol, 12); }
    store<u32>(reqPol + (i << 2), pol);
    store<u64>(se + (i << 4), s >>> shift);
    store<u64>(se + (i << 4) + 8, e >>> shift);
    if (i > 0 && s < prevEnd) sortedDisjoint = false;
    prevEnd = e;
    // Ops this request can add: its pieces (two per request bounds the painted segments) and
    // the block and chunk cuts inside it.
    bound += 2;
    if (block != 0 && load<u32>(pols + <usize>pol * POL_SIZE + POL_SEQ) != NO_MASK) bound += cuts(s, e, block);
    if (chunk != 0) bound += cuts(s, e, chunk);
  }
  policyCount = nPol;
  return OK;
}
