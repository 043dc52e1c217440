// What the host keeps of a plan for verify(): each op's range and policy in 8 bytes instead of
// its 32-byte record, written in one pass here (1-2 ns an op, against 5-7 in JS), so that the
// host copies out a quarter of the bytes. Every fresh page the host's copy writes costs a page
// fault, which is what made copying whole records expensive.
import { NO_MASK, OP_ADDR, OP_LEN, OP_MASK, OP_MODE, OP_SIZE } from "./abi";
import { TAKE } from "./util/arena";

/** Lengths and gaps are counted in 4 KiB units, which divide every kernel page size. */
// @ts-ignore: decorator
@inline const UNIT_SHIFT: u64 = 12;
/** Ends must stay below 2^53, where the host's numbers are exact. */
// @ts-ignore: decorator
@inline const MAX_END: u64 = <u64>1 << 53;
/** The mask field's value for NO_MASK. */
// @ts-ignore: decorator
@inline const DIGEST_NO_MASK: u32 = 0xffff;

let gapsPtr: usize = 0;

/** The gap table of the last digest: u32 per op, 4 KiB units after the previous op's end; 0 when no op has a gap. */
export function digestGaps(): usize { return gapsPtr; }

/**
 * Digests `n` op records at `ops` (sorted by address, disjoint) into u32 pairs per op:
 * [length in 4 KiB units, mode | mask index << 16]. Returns where the pairs are (arena memory,
 * valid until the next plan), or 0 when an op does not fit: a length or gap not a multiple of
 * 4 KiB or of 2^44 bytes and more, an end past 2^53, a mode above 0xffff, a mask index of
 * 0xffff or more; or when memory cannot grow.
 */
export function DIGEST_OPS(ops: usize, n: usize): usize {
  gapsPtr = 0;
  let out = TAKE(<u64>n << 3), gaps = TAKE(<u64>n << 2);
  if (out == 0 || gaps == 0) return 0;
  let anyGap = false, prevEnd: u64 = 0;
  for (let k: usize = 0; k < n; ++k) {
    let op = ops + k * OP_SIZE;
    let addr = load<u64>(op + OP_ADDR), len = load<u64>(op + OP_LEN);
    let mode = load<u32>(op + OP_MODE), mask = load<u32>(op + OP_MASK);
    let end = addr + len;
    let units = len >> UNIT_SHIFT;
    if ((len & 0xfff) != 0 || units > <u64>u32.MAX_VALUE || end < addr || end > MAX_END) return 0;
    if (mode > 0xffff || (mask != NO_MASK && mask >= DIGEST_NO_MASK)) return 0;
    if (k > 0 && addr != prevEnd) {
      let gap = addr - prevEnd;
      if (addr < prevEnd || (gap & 0xfff) != 0 || (gap >> UNIT_SHIFT) > <u64>u32.MAX_VALUE) return 0;
      if (!anyGap) { memory.fill(gaps, 0, k << 2); anyGap = true; }
      store<u32>(gaps + (k << 2), <u32>(gap >> UNIT_SHIFT));
    } else if (anyGap) {
      store<u32>(gaps + (k << 2), 0);
    }
    let m = mask == NO_MASK ? DIGEST_NO_MASK : mask;
    store<u32>(out + (k << 3), <u32>units);
    store<u32>(out + (k << 3) + 4, mode | (m << 16));
    prevEnd = end;
  }
  if (anyGap) gapsPtr = gaps;
  return out;
}
