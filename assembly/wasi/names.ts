// Names and one-line reasons for the engine's codes, for the WASI planner's JSON errors.
import * as abi from "../abi";

export function planCodeName(c: i32): string {
  switch (c) {
    case abi.E_NO_FULL_PAGE: return "E_NO_FULL_PAGE";
    case abi.E_UNALIGNED: return "E_UNALIGNED";
    case abi.E_EMPTY_RANGE: return "E_EMPTY_RANGE";
    case abi.E_WRAP: return "E_WRAP";
    case abi.E_OVERLAP: return "E_OVERLAP";
    case abi.E_MASK_INDEX: return "E_MASK_INDEX";
    case abi.E_PAGE_SIZE: return "E_PAGE_SIZE";
    case abi.E_MASK_WORDS: return "E_MASK_WORDS";
    case abi.E_RULE: return "E_RULE";
    case abi.E_VMA_BUDGET: return "E_VMA_BUDGET";
    case abi.E_TOO_MANY_OPS: return "E_TOO_MANY_OPS";
    case abi.E_OPTIONS: return "E_OPTIONS";
    case abi.E_WEIGHT: return "E_WEIGHT";
    case abi.E_MEMORY: return "E_MEMORY";
    default: return "E_UNKNOWN";
  }
}

export function planCodeWhy(c: i32): string {
  switch (c) {
    case abi.E_NO_FULL_PAGE: return "a buffer request owns no whole page";
    case abi.E_UNALIGNED: return "a raw range must start and end on a page boundary";
    case abi.E_EMPTY_RANGE: return "a raw range is empty";
    case abi.E_WRAP: return "addr + length wraps past the end of the address space";
    case abi.E_OVERLAP: return "requests overlap and overlap is \"error\"";
    case abi.E_PAGE_SIZE: return "pageSize must be a power of two of at least the kernel's page size";
    case abi.E_MASK_WORDS: return "masks must be 1..512 words wide";
    case abi.E_RULE: return "a kernel rule refuses the request";
    case abi.E_VMA_BUDGET: return "the plan would pass max_map_count; raise interleaveBlock or coalesce policies";
    case abi.E_TOO_MANY_OPS: return "the plan needs more ops than the engine holds; raise chunkBytes or interleaveBlock";
    case abi.E_OPTIONS: return "an option is out of range";
    case abi.E_WEIGHT: return "no node of an interleave request is usable with a positive weight";
    case abi.E_MEMORY: return "the batch does not fit in the engine's memory; split it";
    default: return "the engine refused the batch";
  }
}

export function ruleName(v: i32): string {
  switch (v) {
    case abi.V_MODE: return "V_MODE";
    case abi.V_STATIC_RELATIVE: return "V_STATIC_RELATIVE";
    case abi.V_BALANCING: return "V_BALANCING";
    case abi.V_MASK_TOO_WIDE: return "V_MASK_TOO_WIDE";
    case abi.V_MASK_BEYOND: return "V_MASK_BEYOND";
    case abi.V_FLAGS: return "V_FLAGS";
    case abi.V_MOVE_ALL: return "V_MOVE_ALL";
    case abi.V_UNALIGNED: return "V_UNALIGNED";
    case abi.V_WRAP: return "V_WRAP";
    case abi.V_DEFAULT_NODES: return "V_DEFAULT_NODES";
    case abi.V_PREFERRED_FLAGS: return "V_PREFERRED_FLAGS";
    case abi.V_LOCAL_NODES: return "V_LOCAL_NODES";
    case abi.V_LOCAL_FLAGS: return "V_LOCAL_FLAGS";
    case abi.V_NODES_REQUIRED: return "V_NODES_REQUIRED";
    case abi.V_NODES_UNUSABLE: return "V_NODES_UNUSABLE";
    default: return "V_UNKNOWN";
  }
}

export function ruleWhy(v: i32): string {
  switch (v) {
    case abi.V_MODE: return "the kernel does not know this mode";
    case abi.V_STATIC_RELATIVE: return "static and relative cannot be combined";
    case abi.V_BALANCING: return "balancing goes only with bind (and preferred-many from Linux 6.10)";
    case abi.V_MASK_TOO_WIDE: return "the mask is wider than PAGE_SIZE * 8 bits";
    case abi.V_MASK_BEYOND: return "a node is at or above MAX_NUMNODES";
    case abi.V_FLAGS: return "mbind takes only strict, move and moveAll";
    case abi.V_MOVE_ALL: return "moveAll needs CAP_SYS_NICE";
    case abi.V_UNALIGNED: return "a raw range must start on a page boundary";
    case abi.V_WRAP: return "the range wraps past the end of the address space";
    case abi.V_DEFAULT_NODES: return "mode default takes no nodes";
    case abi.V_PREFERRED_FLAGS: return "preferred without nodes is local, which cannot be static or relative";
    case abi.V_LOCAL_NODES: return "mode local takes no nodes";
    case abi.V_LOCAL_FLAGS: return "mode local cannot be static or relative";
    case abi.V_NODES_REQUIRED: return "this mode needs at least one node";
    case abi.V_NODES_UNUSABLE: return "no node of the mask is allowed and has memory";
    default: return "the kernel would refuse it";
  }
}

export function textCodeName(t: i32): string {
  switch (t) {
    case abi.T_CHAR: return "T_CHAR";
    case abi.T_EMPTY_ITEM: return "T_EMPTY_ITEM";
    case abi.T_TRAILING_COMMA: return "T_TRAILING_COMMA";
    case abi.T_HEX_PREFIX: return "T_HEX_PREFIX";
    case abi.T_LEADING_ZERO: return "T_LEADING_ZERO";
    case abi.T_TOO_BIG: return "T_TOO_BIG";
    case abi.T_REVERSED: return "T_REVERSED";
    case abi.T_NOT_CONFIGURED: return "T_NOT_CONFIGURED";
    case abi.T_NOT_ALLOWED: return "T_NOT_ALLOWED";
    case abi.T_RELATIVE_RANGE: return "T_RELATIVE_RANGE";
    case abi.T_PLUS_ORDER: return "T_PLUS_ORDER";
    case abi.T_REPEATED_PREFIX: return "T_REPEATED_PREFIX";
    case abi.T_SAME: return "T_SAME";
    case abi.T_AFFINITY: return "T_AFFINITY";
    case abi.T_RANGE_END: return "T_RANGE_END";
    case abi.T_EMPTY: return "T_EMPTY";
    case abi.T_CHUNK: return "T_CHUNK";
    case abi.T_TOO_LONG: return "T_TOO_LONG";
    default: return "T_UNKNOWN";
  }
}

const MODES: string[] = ["default", "preferred", "bind", "interleave", "local", "preferred-many", "weighted-interleave"];

export function modeName(m: i32): string {
  let b = m & ~abi.MPOL_MODE_FLAGS;
  return b >= 0 && b < MODES.length ? unchecked(MODES[b]) : "unknown";
}
