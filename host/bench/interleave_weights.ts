// The kernel's weighted-interleave weights (Linux 6.9+): how many pages each node gets per
// round, from /sys/kernel/mm/mempolicy/weighted_interleave/nodeN. Without the files (or before
// anyone sets them) every node weighs 1, and weighted interleave spreads evenly.
import { readFileSync } from "node:fs";

const WEIGHTS_DIR = "/sys/kernel/mm/mempolicy/weighted_interleave";

/**
 * Weight per node id; 1 where the file is missing or unreadable (the kernel's default).
 * @param dir the weights folder (tests point at a fake tree)
 * @example Basic usage
 * ```ts
 * const w = readInterleaveWeights([0]);
 * assert(w["0"]! >= 1);
 * ```
 */
export function readInterleaveWeights(nodes: readonly number[], dir = WEIGHTS_DIR): Record<string, number> {
  const out: Record<string, number> = {};
  for (const n of nodes) {
    let w = 1;
    try {
      const v = Number(readFileSync(`${dir}/node${n}`, "utf8").trim());
      if (Number.isInteger(v) && v > 0) w = v;
    } catch { /* no file: the default weight */ }
    out[String(n)] = w;
  }
  return out;
}
