// numabind-plan.wasm: reads a plan request as JSON on stdin, writes the plan (or the refusal)
// as JSON on stdout. Exit status 0: planned; 1: the engine refused the batch; 2: bad input.
// README "The WASI planner" documents both formats.
import { errno, fd_read, poll_oneoff, proc_exit } from "bindings/wasi_snapshot_preview1";
import * as abi from "../abi";
import { mask_slot } from "../nodemask";
import {
  plan_err_index, plan_err_other, plan_err_rule, plan_coalesced, plan_estimated_vmas,
  plan_mask_table, plan_masks, plan_op_count, plan_ops, plan_overridden, plan_run, plan_splits,
  plan_weight_table, planInputHere,
} from "../planner";
import { fmt_list, text_buffer, text_err_pos } from "../text";
import { ARENA_RESET, ARENA_TOP, ENSURE, TAKE } from "../util/arena";
import {
  arrNext, atEnd, eat, errAt, errWhy, jfail, jsonBegin, jsonPos, jsonSeek, numValue, objNext,
  readBool, readString, readU64, skipValue, strIs,
} from "./json";
import {
  nodesWidth, polHasNodes, polMode, readBindFlags, readFacts, readOptions, readPolicy,
  textAt, textCode, textWhat, weightCount, writeRequest, writeWeights,
} from "./input";
import { modeName, planCodeName, planCodeWhy, ruleName, ruleWhy, textCodeName } from "./names";
import { byte, dec, hex, outBegin, outFlush, rawEscaped, str } from "./out";

const IOV: usize = memory.data(32, 8);
const POLL: usize = memory.data(96, 8); // one clock subscription (48 bytes) and its event (32)

/** Sleeps about a millisecond (a WASI clock subscription), for a pipe that has no data yet. */
function nap(): void {
  memory.fill(POLL, 0, 96);
  store<u8>(POLL + 8, 0); //              subscription tag: clock
  store<u32>(POLL + 16, 1); //            clock id: monotonic
  store<u64>(POLL + 24, 1000000); //      timeout: 1 ms, relative
  poll_oneoff(POLL, POLL + 48, 1, IOV + 3 * sizeof<usize>());
}

/** Reads all of stdin into the arena; returns [base, length) through the globals. */
let inBase: usize = 0, inLen: usize = 0;
function readStdin(): bool {
  inBase = ARENA_TOP();
  let at = inBase;
  while (true) {
    if (!ENSURE(<u64>at + 65536)) return false;
    store<usize>(IOV, at);
    store<usize>(IOV + sizeof<usize>(), 65536);
    let err = fd_read(0, IOV, 1, IOV + 2 * sizeof<usize>());
    // A non-blocking pipe with nothing in it yet says AGAIN: wait and read again.
    if (err == errno.AGAIN) { nap(); continue; }
    if (err != 0) return false;
    let n = load<usize>(IOV + 2 * sizeof<usize>());
    if (n == 0) break;
    at += n;
  }
  inLen = at - inBase;
  TAKE(<u64>inLen);
  return true;
}

// Where the top-level values are (0 when absent).
let factsAt: usize = 0, optionsAt: usize = 0, requestsAt: usize = 0;
let reqIndex: u32 = 0;

function readTop(): bool {
  if (!eat(0x7b)) return jfail("the input must be a JSON object");
  let first = true;
  while (true) {
    let k = objNext(first); first = false;
    if (k < 0) return false;
    if (k == 0) break;
    let at = jsonPos();
    if (strIs("facts")) factsAt = at;
    else if (strIs("options")) optionsAt = at;
    else if (strIs("requests")) requestsAt = at;
    else return jfail("an unknown top-level key (expected facts, options, requests)");
    if (!skipValue()) return false;
  }
  if (!atEnd()) return jfail("text after the JSON object");
  if (requestsAt == 0) return jfail("the input needs \"requests\"");
  return true;
}

/**
 * Walks the requests array. Pass 0 counts requests and masks and finds the widest mask;
 * pass 1 writes records and masks into the plan input.
 */
let nReq: u32 = 0, nMasks: u32 = 0, maxWords: u32 = 1;
function walkRequests(pass: i32, words: u32): bool {
  jsonSeek(requestsAt);
  if (!eat(0x5b)) return jfail("requests must be an array");
  let first = true, i: u32 = 0, m: u32 = 0;
  let recs = pass == 1 ? ARENA_REQS : 0, table = pass == 1 ? plan_mask_table() : 0;
  while (true) {
    let a = arrNext(first); first = false;
    if (a < 0) return false;
    if (a == 0) break;
    reqIndex = i;
    if (!eat(0x7b)) return jfail("a request must be an object");
    let f = true, addr: u64 = 0, len: u64 = 0, buffer = false, flags: i32 = 0;
    let seenAddr = false, seenLen = false, seenPolicy = false;
    let mode: i32 = 0, hasNodes = false;
    while (true) {
      let k = objNext(f); f = false;
      if (k < 0) return false;
      if (k == 0) break;
      if (strIs("addr")) { if (!readU64()) return false; addr = numValue; seenAddr = true; }
      else if (strIs("length")) { if (!readU64()) return false; len = numValue; seenLen = true; }
      else if (strIs("buffer")) { if (!readBool()) return false; buffer = numValue != 0; }
      else if (strIs("flags")) { flags = readBindFlags(); if (flags < 0) return false; }
      else if (strIs("policy")) {
        if (!readPolicy()) return false;
        seenPolicy = true; mode = polMode; hasNodes = polHasNodes;
        if (hasNodes && nodesWidth > maxWords) maxWords = nodesWidth;
        if (hasNodes && pass == 1) {
          let bytes = <usize>words << 3;
          memory.copy(table + <usize>m * bytes, mask_slot(abi.SLOT_OUT), bytes);
        }
      }
      else return jfail("an unknown key in a request (expected addr, length, buffer, policy, flags)");
    }
    if (!seenAddr || !seenLen || !seenPolicy) return jfail("a request needs addr, length and policy");
    if (pass == 1) writeRequest(recs + <usize>i * abi.REQ_SIZE, addr, len, mode, <u32>flags, hasNodes ? m : abi.NO_MASK, buffer);
    if (hasNodes) m++;
    i++;
  }
  nReq = i; nMasks = m;
  return true;
}
let ARENA_REQS: usize = 0;

function fieldName(what: string): void {
  if (what.startsWith("facts")) { str(what); return; }
  str("requests["); dec(reqIndex); str("]."); str(what);
}

function inputError(): i32 {
  outBegin();
  str("{\"ok\":false,\"error\":{\"code\":\"EINVAL\",");
  if (textCode != abi.T_OK) {
    str("\"reason\":\""); str(textCodeName(textCode)); str("\",\"field\":\""); fieldName(textWhat);
    str("\",\"offset\":"); dec(textAt); str(",\"position\":"); dec(text_err_pos());
    str(",\"message\":\"Cannot parse "); fieldName(textWhat); str(": "); str(textCodeName(textCode));
    str(" at position "); dec(text_err_pos()); str("\"}}\n");
  } else {
    str("\"reason\":\"JSON\",\"offset\":"); dec(errAt); str(",\"message\":\"Cannot read the input at byte ");
    dec(errAt); str(": "); rawEscapedString(errWhy !== null ? <string>errWhy : "bad input"); str("\"}}\n");
  }
  outFlush(nap);
  return 2;
}

function rawEscapedString(s: string): void {
  for (let i = 0; i < s.length; i++) {
    let c = <u32>s.charCodeAt(i);
    if (c == 0x22 || c == 0x5c) byte(0x5c);
    byte(c);
  }
}

function planError(code: i32): i32 {
  outBegin();
  str("{\"ok\":false,\"error\":{\"code\":\"");
  str(code == abi.E_VMA_BUDGET || code == abi.E_TOO_MANY_OPS || code == abi.E_MEMORY ? "ENOMEM" : code == abi.E_RULE && plan_err_rule() == abi.V_MOVE_ALL ? "EPERM" : "EINVAL");
  str("\",\"reason\":\""); str(planCodeName(code)); str("\"");
  if (code == abi.E_RULE) { str(",\"rule\":\""); str(ruleName(plan_err_rule())); str("\""); }
  str(",\"index\":"); dec(plan_err_index());
  if (code == abi.E_OVERLAP || code == abi.E_VMA_BUDGET || code == abi.E_TOO_MANY_OPS) { str(",\"other\":"); dec(plan_err_other()); }
  str(",\"message\":\"Cannot plan requests["); dec(plan_err_index()); str("]: ");
  rawEscapedString(code == abi.E_RULE ? ruleWhy(plan_err_rule()) : planCodeWhy(code));
  str("\"}}\n");
  outFlush(nap);
  return 1;
}

function writePlan(words: u32): void {
  outBegin();
  str("{\"ok\":true,\"ops\":[");
  let n = plan_op_count(), ops = plan_ops(), masks = plan_masks(), bytes = <usize>words << 3;
  for (let i: u32 = 0; i < n; i++) {
    let op = ops + <usize>i * abi.OP_SIZE;
    let mode = load<i32>(op + abi.OP_MODE), flags = load<u32>(op + abi.OP_FLAGS), m = load<u32>(op + abi.OP_MASK);
    if (i > 0) byte(0x2c);
    str("{\"addr\":\""); hex(load<u64>(op + abi.OP_ADDR)); str("\",\"length\":");
    let len = load<u64>(op + abi.OP_LEN);
    if (len > 9007199254740991) { byte(0x22); dec(len); byte(0x22); } else dec(len);
    str(",\"policy\":{\"mode\":\""); str(modeName(mode)); str("\",\"nodes\":\"");
    if (m != abi.NO_MASK) {
      memory.copy(mask_slot(abi.SLOT_A), masks + <usize>m * bytes, bytes);
      rawEscaped(text_buffer(), <usize>fmt_list(words));
    }
    byte(0x22);
    if (mode & abi.MPOL_F_STATIC_NODES) str(",\"static\":true");
    if (mode & abi.MPOL_F_RELATIVE_NODES) str(",\"relative\":true");
    if (mode & abi.MPOL_F_NUMA_BALANCING) str(",\"balancing\":true");
    str("},\"flags\":{");
    let sep = false;
    if (flags & abi.MPOL_MF_STRICT) { str("\"strict\":true"); sep = true; }
    if (flags & abi.MPOL_MF_MOVE) { if (sep) byte(0x2c); str("\"move\":true"); sep = true; }
    if (flags & abi.MPOL_MF_MOVE_ALL) { if (sep) byte(0x2c); str("\"moveAll\":true"); }
    str("},\"request\":"); dec(load<u32>(op + abi.OP_REQUEST)); byte(0x7d);
  }
  str("],\"stats\":{\"requests\":"); dec(nReq);
  str(",\"ops\":"); dec(n);
  str(",\"coalesced\":"); dec(plan_coalesced());
  str(",\"splits\":"); dec(plan_splits());
  str(",\"estimatedVmas\":"); dec(plan_estimated_vmas());
  str(",\"overridden\":"); dec(plan_overridden());
  str("}}\n");
  outFlush(nap);
}

function run(): i32 {
  ARENA_RESET();
  if (!readStdin()) { jfail("stdin cannot be read"); return inputError(); }
  jsonBegin(inBase, inLen);
  if (!readTop()) return inputError();
  if (factsAt != 0) { jsonSeek(factsAt); if (!readFacts()) return inputError(); }
  else if (!defaultFacts()) return inputError();
  if (optionsAt != 0) { jsonSeek(optionsAt); if (!readOptions()) return inputError(); }
  if (!walkRequests(0, 0)) return inputError();
  let usable = mask_slot(abi.SLOT_USABLE), words = maxWords;
  for (let w: u32 = 511; w >= words; w--) if (load<u64>(usable + (<usize>w << 3)) != 0) { words = w + 1; break; }
  ARENA_REQS = planInputHere(nReq, nMasks, words, weightCount);
  if (ARENA_REQS == 0 && nReq > 0) { jfail("the batch does not fit in memory"); return inputError(); }
  writeWeights(plan_weight_table());
  if (!walkRequests(1, words)) return inputError();
  let code = plan_run();
  if (code != abi.OK) return planError(code);
  writePlan(words);
  return 0;
}

/** Facts when the input has none: node 0 only, this kernel generation. */
const EMPTY_OBJECT: usize = memory.data<u8>([0x7b, 0x7d]);
function defaultFacts(): bool {
  jsonBegin(EMPTY_OBJECT, 2);
  let ok = readFacts();
  jsonBegin(inBase, inLen);
  return ok;
}

proc_exit(run());
