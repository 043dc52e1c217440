// The kernel's mbind(2) rules, in the kernel's own order (kernel-mempolicy.md §3), so that any
// call the kernel refuses with EINVAL or EPERM is refused here first, naming the rule. The
// planner runs VALIDATE on every op it writes; validate_mbind exposes the same code for a raw
// call, which the kernel-differential test compares against the real kernel.
import {
  CAPS_SYS_NICE, MPOL_DEFAULT, MPOL_F_NUMA_BALANCING, MPOL_F_RELATIVE_NODES,
  MPOL_F_STATIC_NODES, MPOL_LOCAL, MPOL_MF_MOVE_ALL, MPOL_MF_VALID, MPOL_MODE_FLAGS,
  MPOL_PREFERRED, SLOT_USABLE, V_BALANCING, V_DEFAULT_NODES, V_FAULT, V_FLAGS, V_LOCAL_FLAGS,
  V_LOCAL_NODES, V_MASK_BEYOND, V_MASK_TOO_WIDE, V_MODE, V_MOVE_ALL, V_NODES_REQUIRED,
  V_NODES_UNUSABLE, V_NOOP, V_OK, V_PREFERRED_FLAGS, V_STATIC_RELATIVE, V_UNALIGNED, V_WRAP,
} from "./abi";
import {
  ctlBalancing, ctlCaps, ctlKernelPage, ctlMaxNumNodes, ctlMpolMax,
} from "./control";
import { mask_slot } from "./nodemask";
import { MASK_INTERSECTS } from "./util/mask";

/** Mask summary bits: what the rules need to know about a mask, computed once per mask. */
// @ts-ignore: decorator
@inline export const MS_EMPTY: u32 = 1; //  no node set
// @ts-ignore: decorator
@inline export const MS_BEYOND: u32 = 2; // a node >= MAX_NUMNODES set
// @ts-ignore: decorator
@inline export const MS_HITS: u32 = 4; //   intersects the usable nodes (allowed ∩ with memory)

/** Summarises `words` u64 of mask at `ptr` against MAX_NUMNODES and the usable slot. */
export function MASK_SUMMARY(ptr: usize, words: usize): u32 {
  let maxNN = <u64>ctlMaxNumNodes();
  let any: u64 = 0, beyond: u64 = 0;
  for (let i: usize = 0; i < words; ++i) {
    let w = load<u64>(ptr + (i << 3));
    any |= w;
    let lo = <u64>i << 6;
    if (lo + 64 <= maxNN) continue;
    // Bits at or above MAX_NUMNODES in this word: get_nodes() refuses them.
    beyond |= lo >= maxNN ? w : w & ~((<u64>1 << (maxNN - lo)) - 1);
  }
  let s: u32 = 0;
  if (any == 0) s |= MS_EMPTY;
  if (beyond != 0) s |= MS_BEYOND;
  let usableWords = words < 512 ? words : 512;
  if (any != 0 && MASK_INTERSECTS(ptr, mask_slot(SLOT_USABLE), usableWords)) s |= MS_HITS;
  return s;
}

/** Whether the usable slot (allowed ∩ with memory) holds any node. */
// @ts-ignore: decorator
@inline function usableIsEmpty(): bool {
  let p = mask_slot(SLOT_USABLE);
  for (let i: usize = 0; i < 512; ++i) if (load<u64>(p + (i << 3)) != 0) return false;
  return true;
}

/**
 * sanitize_mpol_flags(), get_nodes() and the first checks of do_mbind(): everything that
 * does not depend on the range or on the mask's contents beyond its width.
 */
// @ts-ignore: decorator
@inline export function VERDICT_POLICY(mode: i32, hasMask: bool, words: u64, summary: u32, flags: u32): i32 {
  let base = <u32>(mode & ~MPOL_MODE_FLAGS), mf = mode & MPOL_MODE_FLAGS;
  if (base >= ctlMpolMax()) return V_MODE;
  if ((mf & MPOL_F_STATIC_NODES) != 0 && (mf & MPOL_F_RELATIVE_NODES) != 0) return V_STATIC_RELATIVE;
  if ((mf & MPOL_F_NUMA_BALANCING) != 0 && (base >= 32 || (ctlBalancing() & (1 << base)) == 0)) return V_BALANCING;
  // get_nodes(): maxnode = words * 64 + 1, and the kernel reads maxnode - 1 bits.
  if (hasMask && words * 64 > <u64>ctlKernelPage() * 8) return V_MASK_TOO_WIDE;
  if (hasMask && (summary & MS_BEYOND) != 0) return V_MASK_BEYOND;
  if ((flags & ~MPOL_MF_VALID) != 0) return V_FLAGS;
  if ((flags & MPOL_MF_MOVE_ALL) != 0 && (ctlCaps() & CAPS_SYS_NICE) == 0) return V_MOVE_ALL;
  return V_OK;
}

/** do_mbind()'s range checks: alignment, then PAGE_ALIGN(len) wrapping or vanishing. */
// @ts-ignore: decorator
@inline export function VERDICT_RANGE(addr: u64, len: u64): i32 {
  let pm = <u64>ctlKernelPage() - 1;
  if ((addr & pm) != 0) return V_UNALIGNED;
  let end = addr + ((len + pm) & ~pm);
  if (end < addr) return V_WRAP;
  if (end == addr) return V_NOOP;
  return V_OK;
}

/** mpol_new() and mpol_set_nodemask(): the mask's contents against the mode. */
// @ts-ignore: decorator
@inline export function VERDICT_CREATE(mode: i32, hasMask: bool, summary: u32): i32 {
  let base = <u32>(mode & ~MPOL_MODE_FLAGS), mf = mode & MPOL_MODE_FLAGS;
  let empty = !hasMask || (summary & MS_EMPTY) != 0;
  let folded = (mf & (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES)) != 0;
  if (base == MPOL_DEFAULT) return empty ? V_OK : V_DEFAULT_NODES;
  if (base == MPOL_PREFERRED) {
    if (empty) return folded ? V_PREFERRED_FLAGS : V_OK; // empty preferred is local
  } else if (base == MPOL_LOCAL) {
    if (!empty) return V_LOCAL_NODES;
    return folded ? V_LOCAL_FLAGS : V_OK;
  } else if (empty) {
    return V_NODES_REQUIRED;
  }
  // A relative mask is folded onto the usable nodes, so it is never empty while one exists.
  if ((mf & MPOL_F_RELATIVE_NODES) != 0) return usableIsEmpty() ? V_NODES_UNUSABLE : V_OK;
  return (summary & MS_HITS) != 0 ? V_OK : V_NODES_UNUSABLE;
}

/** Every rule, in the kernel's order. V_NOOP means the kernel returns 0 without acting. */
// @ts-ignore: decorator
@inline export function VALIDATE(addr: u64, len: u64, mode: i32, hasMask: bool, words: u64,
  summary: u32, flags: u32): i32 {
  let v = VERDICT_POLICY(mode, hasMask, words, summary, flags);
  if (v != V_OK) return v;
  v = VERDICT_RANGE(addr, len);
  if (v != V_OK) return v;
  return VERDICT_CREATE(mode, hasMask, summary);
}

/**
 * Validates one raw mbind(addr, len, mode, mask, words * 64 + 1, flags) against the facts in
 * the control block and the usable slot. `mask` is an address in engine memory, 0 for NULL.
 * Returns a V_* verdict (abi.ts). EFAULT from holes in the range is not predicted: the range
 * is assumed to be mapped.
 */
export function validate_mbind(addr: u64, len: u64, mode: i32, mask: usize, words: u32, flags: u32): i32 {
  let hasMask = mask != 0;
  let summary: u32 = MS_EMPTY;
  let w = <u64>words;
  if (hasMask && w * 64 <= <u64>ctlKernelPage() * 8) {
    let end = <u64>mask + (w << 3);
    if (end > (<u64>memory.size() << 16)) return V_FAULT;
    summary = MASK_SUMMARY(mask, <usize>w);
  }
  let v = VALIDATE(addr, len, mode, hasMask, w, summary, flags);
  return v;
}
