import { opAddr, opAt, opLen, opMask, opMode } from "./_op_record.ts";
import { readMappings, type Mappings } from "./proc_maps.ts";

/**
 * How many mappings (VMAs) applying `count` op records can add at most, given the mappings
 * the process has now: the engine's estimate assumes every group of adjacent ops splits a
 * mapping on both sides and merges with nothing, which refuses exactly the plan a process near
 * vm.max_map_count needs, binding a region back to one policy. For each group of adjacent ops
 * [s, e) with k policy runs over the mappings M it overlaps, the mappings afterwards are at
 * most k inside plus the parts of M's first and last mapping outside [s, e); so the group
 * changes the count by at most k + remainders - |M| (negative when it merges).
 * @param ops32 op records (abi.ts OP_*) as u32, sorted by address
 * @param mappings the mappings overlapping the ops (default: read from /proc/self/maps)
 * @example
 * ```ts
 * // One op over a region split into 1,000 mappings: the count drops by 999.
 * expect(mappingDelta(ops32, 1)).toBe(-999);
 * ```
 */
export function mappingDelta(ops32: Uint32Array, count: number, mappings?: Mappings): number {
  if (count === 0) return 0;
  const addr = (k: number): number => opAddr(ops32, opAt(k));
  const end = (k: number): number => addr(k) + opLen(ops32, opAt(k));
  const m = mappings ?? readMappings(addr(0), end(count - 1));
  let delta = 0, j = 0;
  for (let k = 0; k < count;) {
    const s = addr(k);
    let e = end(k), runs = 1;
    for (k++; k < count && addr(k) === e; k++) {
      // Ops differing only in mbind flags (or chunks of one run) leave one mapping.
      const o = opAt(k), prev = opAt(k - 1);
      if (opMode(ops32, o) !== opMode(ops32, prev) || opMask(ops32, o) !== opMask(ops32, prev)) runs++;
      e = end(k);
    }
    while (j < m.starts.length && m.ends[j]! <= s) j++;
    let overlapped = 0, remainders = 0;
    for (let i = j; i < m.starts.length && m.starts[i]! < e; i++) {
      if (overlapped === 0 && m.starts[i]! < s) remainders++;
      if (m.ends[i]! > e) remainders++;
      overlapped++;
    }
    delta += runs + remainders - overlapped;
  }
  return delta;
}
