// Exported nodemask operations over the engine's fixed mask slots. The host copies masks into
// slots (see abi.ts), calls one of these, and reads SLOT_OUT back. Slots live in static data,
// so these calls never touch the planner's heap.
import { MASK_SLOT_BYTES, MASK_SLOTS, SLOT_A, SLOT_B, SLOT_OUT } from "./abi";
import {
  MASK_DIFFERENCE, MASK_EQUALS, MASK_INTERSECT, MASK_IS_EMPTY, MASK_POPCOUNT, MASK_UNION,
} from "./util/mask";

const SLOTS: usize = memory.data(MASK_SLOT_BYTES * MASK_SLOTS, 8);
const MAX_WORDS: u32 = <u32>MASK_SLOT_BYTES >>> 3;

/** Address of mask slot `k`, or 0 when k is out of range. */
export function mask_slot(k: u32): usize {
  if (k >= <u32>MASK_SLOTS) return 0;
  return SLOTS + <usize>k * MASK_SLOT_BYTES;
}

// @ts-ignore: decorator
@inline function slot(k: i32): usize {
  return SLOTS + <usize>k * MASK_SLOT_BYTES;
}

// @ts-ignore: decorator
@inline function clampWords(words: u32): usize {
  return <usize>(words > MAX_WORDS ? MAX_WORDS : words);
}

export function mask_popcount(words: u32): u32 {
  return MASK_POPCOUNT(slot(SLOT_A), clampWords(words));
}

export function mask_is_empty(words: u32): bool {
  return MASK_IS_EMPTY(slot(SLOT_A), clampWords(words));
}

export function mask_equals(words: u32): bool {
  return MASK_EQUALS(slot(SLOT_A), slot(SLOT_B), clampWords(words));
}

export function mask_union(words: u32): void {
  MASK_UNION(slot(SLOT_OUT), slot(SLOT_A), slot(SLOT_B), clampWords(words));
}

export function mask_intersect(words: u32): void {
  MASK_INTERSECT(slot(SLOT_OUT), slot(SLOT_A), slot(SLOT_B), clampWords(words));
}

export function mask_difference(words: u32): void {
  MASK_DIFFERENCE(slot(SLOT_OUT), slot(SLOT_A), slot(SLOT_B), clampWords(words));
}
