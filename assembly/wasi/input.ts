// Reads the WASI planner's JSON request (README "The WASI planner") into the engine: facts
// into the control block and mask slots, options into the control block, requests into the
// plan input records. Node sets are text in the engine's own formats.
import {
  CTL_BALANCING, CTL_BLOCK, CTL_BLOCK_MODE, CTL_CAPS, CTL_CHUNK, CTL_HUGE, CTL_KERNEL_PAGE,
  CTL_MAP_COUNT, CTL_MAX_MAP, CTL_MAX_NUMNODES, CTL_MPOL_MAX, CTL_OVERLAP, CTL_PAGE_SIZE,
  CTL_WEIGHT_MODES, CAPS_SYS_NICE, KIND_BUFFER, MASK_SLOT_BYTES, MPOL_BIND, MPOL_DEFAULT,
  MPOL_F_NUMA_BALANCING, MPOL_F_RELATIVE_NODES, MPOL_F_STATIC_NODES, MPOL_INTERLEAVE, MPOL_LOCAL,
  MPOL_MF_MOVE, MPOL_MF_MOVE_ALL, MPOL_MF_STRICT, MPOL_PREFERRED, MPOL_PREFERRED_MANY,
  MPOL_WEIGHTED_INTERLEAVE, NO_MASK, OVERLAP_ERROR, REQ_ADDR, REQ_FLAGS, REQ_KIND, REQ_LEN,
  REQ_MASK, REQ_MODE, REQ_SIZE, SLOT_A, SLOT_B, SLOT_OUT, SLOT_USABLE, T_OK,
} from "../abi";
import { plan_control } from "../control";
import { mask_slot } from "../nodemask";
import { parse_nodestring } from "../nodestring";
import { parse_list, text_buffer, text_out_words } from "../text";
import {
  arrNext, eat, jfail, jsonOffsetOf, jsonPos, jsonSeek, numValue, objNext, peek, readBool,
  readString, readU64, skipValue, strEnd, strIs, strStart,
} from "./json";

const SLOT: usize = MASK_SLOT_BYTES;
/** Text parse failures: the T_* code, where in the input the string began, and what it was. */
export let textCode: i32 = T_OK;
export let textAt: usize = 0;
export let textWhat: string = "";

// @ts-ignore: decorator
@inline function ctl(off: i32): usize { return plan_control() + <usize>off; }

/** Copies the last JSON string into the text buffer and runs a parser on it. */
function parseText(isList: bool, what: string, inputOffset: usize): bool {
  let n = strEnd - strStart;
  if (n > 262144) return jfail("a node string longer than 262144 bytes");
  memory.copy(text_buffer(), strStart, n);
  let code = isList ? parse_list(<u32>n) : parse_nodestring(<u32>n);
  if (code != T_OK) { textCode = code; textAt = inputOffset; textWhat = what; return jfail("a node string that does not parse"); }
  return true;
}

/** Reads a node list string into scratch slot `slot` (SLOT_A/B/USABLE or 4+). */
function readList(slot: i32, what: string, offset: usize): bool {
  if (!readString() || !parseText(true, what, offset)) return false;
  memory.copy(mask_slot(<u32>slot), mask_slot(SLOT_OUT), SLOT);
  return true;
}

// Scratch slots for the facts that are not slots of their own.
const WITH_MEMORY: i32 = 4;

/** Reads "facts"; `offset` gives byte positions for errors. Fills SLOT_A/B and SLOT_USABLE. */
export function readFacts(): bool {
  let seenAllowed = false, seenMemory = false, first = true;
  // Defaults: one node 0, this kernel generation, no VMA budget.
  memory.fill(mask_slot(SLOT_A), 0, SLOT); store<u8>(mask_slot(SLOT_A), 1);
  if (!eat(0x7b)) return jfail("facts must be an object");
  while (true) {
    let k = objNext(first); first = false;
    if (k < 0) return false;
    if (k == 0) break;
    let at = jsonOffsetOf(jsonPos());
    if (strIs("configured")) { if (!readList(SLOT_A, "facts.configured", at)) return false; }
    else if (strIs("allowed")) { if (!readList(SLOT_B, "facts.allowed", at)) return false; seenAllowed = true; }
    else if (strIs("withMemory")) { if (!readList(WITH_MEMORY, "facts.withMemory", at)) return false; seenMemory = true; }
    else if (strIs("pageSize")) { if (!readU64()) return false; store<u32>(ctl(CTL_KERNEL_PAGE), <u32>numValue); }
    else if (strIs("maxNumNodes")) { if (!readU64()) return false; store<u32>(ctl(CTL_MAX_NUMNODES), <u32>min(numValue, 32768)); }
    else if (strIs("capSysNice")) { if (!readBool()) return false; store<u32>(ctl(CTL_CAPS), numValue != 0 ? CAPS_SYS_NICE : 0); }
    else if (strIs("mpolMax")) { if (!readU64()) return false; store<u32>(ctl(CTL_MPOL_MAX), <u32>min(numValue, 32)); }
    else if (strIs("kernel")) { if (!readString()) return false; kernelRelease(); }
    else if (strIs("balancingModes")) { if (!readU64()) return false; store<u32>(ctl(CTL_BALANCING), <u32>numValue); }
    else if (strIs("hugePageSize")) { if (!readU64()) return false; hugeSize = numValue; }
    else if (strIs("maxMapCount")) { if (!readU64()) return false; store<u32>(ctl(CTL_MAX_MAP), <u32>min(numValue, 0xffffffff)); }
    else if (strIs("mapCount")) { if (!readU64()) return false; store<u32>(ctl(CTL_MAP_COUNT), <u32>min(numValue, 0xffffffff)); }
    else if (strIs("interleaveWeights")) { if (!readWeightArray()) return false; }
    else return jfail("an unknown key in facts");
  }
  if (!seenAllowed) memory.copy(mask_slot(SLOT_B), mask_slot(SLOT_A), SLOT);
  if (!seenMemory) memory.copy(mask_slot(WITH_MEMORY), mask_slot(SLOT_A), SLOT);
  let u = mask_slot(SLOT_USABLE), b = mask_slot(SLOT_B), w = mask_slot(WITH_MEMORY);
  for (let i: usize = 0; i < SLOT; i += 8) store<u64>(u + i, load<u64>(b + i) & load<u64>(w + i));
  return true;
}

/** Huge page size for hugePageAlign (facts.hugePageSize; 2 MiB by default). */
export let hugeSize: u64 = 2 << 20;
/** options.weights, kept as a JSON position to read once the weight table exists. */
export let weightsAt: usize = 0;
export let weightCount: u32 = 0;

/** Reads "options" into the control block. */
export function readOptions(): bool {
  let first = true, hugeAlign = false;
  if (!eat(0x7b)) return jfail("options must be an object");
  while (true) {
    let k = objNext(first); first = false;
    if (k < 0) return false;
    if (k == 0) break;
    if (strIs("pageSize")) { if (!readU64()) return false; store<u32>(ctl(CTL_PAGE_SIZE), <u32>min(numValue, 0xffffffff)); }
    else if (strIs("overlap")) {
      if (!readString()) return false;
      if (strIs("error")) store<u32>(ctl(CTL_OVERLAP), OVERLAP_ERROR);
      else if (!strIs("last-wins")) return jfail("overlap must be \"last-wins\" or \"error\"");
    }
    else if (strIs("chunkBytes")) { if (!readU64()) return false; store<u64>(ctl(CTL_CHUNK), numValue); }
    else if (strIs("interleaveBlock")) { if (!readU64()) return false; store<u64>(ctl(CTL_BLOCK), numValue); }
    else if (strIs("hugePageAlign")) { if (!readBool()) return false; hugeAlign = numValue != 0; }
    else if (strIs("blockPolicy")) {
      if (!readString()) return false;
      if (strIs("bind")) store<u32>(ctl(CTL_BLOCK_MODE), MPOL_BIND);
      else if (!strIs("preferred")) return jfail("blockPolicy must be \"preferred\" or \"bind\"");
    }
    else if (strIs("weights")) {
      if (!readWeightArray()) return false;
      store<u32>(ctl(CTL_WEIGHT_MODES), (1 << MPOL_WEIGHTED_INTERLEAVE) | (1 << MPOL_INTERLEAVE));
    }
    else return jfail("an unknown key in options");
  }
  store<u64>(ctl(CTL_HUGE), hugeAlign ? hugeSize : 0);
  return true;
}

/**
 * Checks a weight array (each 1..65535) and keeps its position for writeWeights. The last one
 * read wins: options.weights (every interleave mode) over facts.interleaveWeights (the
 * kernel's sysfs weights, weighted-interleave only).
 */
function readWeightArray(): bool {
  if (peek() != 0x5b) return jfail("weights must be an array");
  weightsAt = jsonPos();
  weightCount = 0;
  eat(0x5b);
  let f = true;
  while (true) {
    let a = arrNext(f); f = false;
    if (a < 0) return false;
    if (a == 0) break;
    if (!readU64()) return false;
    if (numValue < 1 || numValue > 65535) return jfail("a weight must be an integer in 1..65535");
    if (++weightCount > 32768) return jfail("more than 32768 weights");
  }
  return true;
}

/** Writes the weights kept by readOptions into the engine's weight table. */
export function writeWeights(table: usize): void {
  if (weightCount == 0) return;
  let back = jsonPos();
  jsonSeek(weightsAt); eat(0x5b);
  let f = true, i: usize = 0;
  while (arrNext(f) == 1) { f = false; readU64(); store<u32>(table + (i << 2), <u32>numValue); i++; }
  jsonSeek(back);
}

/** Mode number for a mode name: numabind's, numactl's option names, or the OCI MPOL_* names. */
function modeOf(): i32 {
  if (strIs("default") || strIs("MPOL_DEFAULT")) return MPOL_DEFAULT;
  if (strIs("preferred") || strIs("MPOL_PREFERRED")) return MPOL_PREFERRED;
  if (strIs("bind") || strIs("membind") || strIs("MPOL_BIND")) return MPOL_BIND;
  if (strIs("interleave") || strIs("MPOL_INTERLEAVE")) return MPOL_INTERLEAVE;
  if (strIs("local") || strIs("localalloc") || strIs("MPOL_LOCAL")) return MPOL_LOCAL;
  if (strIs("preferred-many") || strIs("MPOL_PREFERRED_MANY")) return MPOL_PREFERRED_MANY;
  if (strIs("weighted-interleave") || strIs("MPOL_WEIGHTED_INTERLEAVE")) return MPOL_WEIGHTED_INTERLEAVE;
  return -1;
}

/** Policy fields read by readPolicy. */
export let polMode: i32 = 0;
export let polHasNodes = false;

/**
 * Reads a policy object: { mode, nodes?, static?, relative?, balancing? } or the OCI form
 * { mode: "MPOL_*", nodes?: "list", flags?: ["MPOL_F_*"] }. Nodes land in SLOT_OUT.
 */
export function readPolicy(): bool {
  let first = true, mode: i32 = -1, flags: i32 = 0, nodesAt: usize = 0, oci = false;
  polHasNodes = false;
  if (!eat(0x7b)) return jfail("a policy must be an object");
  while (true) {
    let k = objNext(first); first = false;
    if (k < 0) return false;
    if (k == 0) break;
    if (strIs("mode")) {
      if (!readString()) return false;
      oci = strEnd - strStart > 5 && load<u8>(strStart) == 0x4d; // "MPOL_"
      mode = modeOf();
      if (mode < 0) return jfail("an unknown mode");
    } else if (strIs("nodes")) {
      nodesAt = jsonPos();
      if (!skipValue()) return false;
      polHasNodes = true;
    } else if (strIs("static") || strIs("relative") || strIs("balancing")) {
      let bit = strIs("static") ? MPOL_F_STATIC_NODES : strIs("relative") ? MPOL_F_RELATIVE_NODES : MPOL_F_NUMA_BALANCING;
      if (!readBool()) return false;
      if (numValue != 0) flags |= bit;
    } else if (strIs("flags")) {
      if (!eat(0x5b)) return jfail("flags must be an array of MPOL_F_* names");
      let f = true;
      while (true) {
        let a = arrNext(f); f = false;
        if (a < 0) return false;
        if (a == 0) break;
        if (!readString()) return false;
        if (strIs("MPOL_F_STATIC_NODES")) flags |= MPOL_F_STATIC_NODES;
        else if (strIs("MPOL_F_RELATIVE_NODES")) flags |= MPOL_F_RELATIVE_NODES;
        else if (strIs("MPOL_F_NUMA_BALANCING")) flags |= MPOL_F_NUMA_BALANCING;
        else return jfail("an unknown OCI flag");
      }
    } else return jfail("an unknown key in a policy");
  }
  if (mode < 0) return jfail("a policy needs a mode");
  polMode = mode | flags;
  if (nodesAt != 0) return readNodes(oci, "policy.nodes", nodesAt);
  return true;
}

/** Reads nodes (a string or an array of ids) at `at` into SLOT_OUT. */
function readNodes(list: bool, what: string, at: usize): bool {
  let back = jsonPos();
  jsonSeek(at);
  let ok: bool;
  if (peek() == 0x22) {
    ok = readString() && parseText(list, what, jsonOffsetOf(at));
    nodesWidth = text_out_words();
  } else {
    ok = eat(0x5b);
    if (!ok) return jfail("nodes must be a string or an array of node ids");
    memory.fill(mask_slot(SLOT_OUT), 0, SLOT);
    let f = true;
    while (true) {
      let a = arrNext(f); f = false;
      if (a < 0) return false;
      if (a == 0) break;
      if (!readU64()) return false;
      if (numValue > 32767) return jfail("a node id above 32767");
      let w = mask_slot(SLOT_OUT) + <usize>((numValue >>> 6) << 3);
      store<u64>(w, load<u64>(w) | (<u64>1 << (numValue & 63)));
    }
    let top: usize = SLOT >>> 3;
    while (top > 1 && load<u64>(mask_slot(SLOT_OUT) + ((top - 1) << 3)) == 0) top--;
    nodesWidth = <u32>top;
  }
  jsonSeek(back);
  return ok;
}

/** Width of the last nodes read, in u64 words. */
export let nodesWidth: u32 = 1;

/** Sets MPOL_MAX and the balancing modes from a kernel release such as "6.18.44". */
function kernelRelease(): void {
  let p = strStart, major: u32 = 0, minor: u32 = 0;
  while (p < strEnd && load<u8>(p) - 0x30 < 10) { major = major * 10 + load<u8>(p) - 0x30; p++; }
  if (p < strEnd && load<u8>(p) == 0x2e) p++;
  while (p < strEnd && load<u8>(p) - 0x30 < 10) { minor = minor * 10 + load<u8>(p) - 0x30; p++; }
  let v = major * 1000 + min(minor, 999);
  let mpolMax: u32 = v >= 6009 ? 7 : v >= 5015 ? 6 : v >= 3008 ? 5 : 4;
  let bal: u32 = v >= 5015 ? 1 << MPOL_BIND : 0;
  if (v >= 6010) bal |= 1 << MPOL_PREFERRED_MANY;
  store<u32>(ctl(CTL_MPOL_MAX), mpolMax);
  store<u32>(ctl(CTL_BALANCING), bal);
}

/** Reads { strict?, move?, moveAll? } into MPOL_MF_* bits. */
export function readBindFlags(): i32 {
  let first = true, f: i32 = 0;
  if (!eat(0x7b)) { jfail("flags must be an object"); return -1; }
  while (true) {
    let k = objNext(first); first = false;
    if (k < 0) return -1;
    if (k == 0) return f;
    let bit = strIs("strict") ? MPOL_MF_STRICT : strIs("move") ? MPOL_MF_MOVE : strIs("moveAll") ? MPOL_MF_MOVE_ALL : 0;
    if (bit == 0) { jfail("an unknown bind flag"); return -1; }
    if (!readBool()) return -1;
    if (numValue != 0) f |= bit;
  }
}

/** Writes request record `i` at `rec`. */
export function writeRequest(rec: usize, addr: u64, len: u64, mode: i32, flags: u32, mask: u32, buffer: bool): void {
  store<u64>(rec + REQ_ADDR, addr);
  store<u64>(rec + REQ_LEN, len);
  store<i32>(rec + REQ_MODE, mode);
  store<u32>(rec + REQ_FLAGS, flags);
  store<u32>(rec + REQ_MASK, mask);
  store<u32>(rec + REQ_KIND, buffer ? KIND_BUFFER : 0);
}

