// The kernel's per-node allocation counters (/sys/devices/system/node/nodeN/numastat), read
// before and after a first touch: numa_hit counts pages allocated on the node the policy meant,
// numa_miss pages allocated there although another node was meant. They are system-wide
// (every process counts), so a delta is an upper bound on what one touch did.
import { readFileSync } from "node:fs";

const NODE_DIR = "/sys/devices/system/node";

/**
 * numa_hit and numa_miss of each node, as read at one moment.
 * @example Basic usage
 * ```ts
 * const s: NumastatSnapshot = readNumastat([0]);
 * assert(s.get(0)!.miss >= 0);
 * ```
 */
export type NumastatSnapshot = Map<number, { hit: number; miss: number }>;

/**
 * Parses one numastat file ("numa_hit 26309228\nnuma_miss 0\n...").
 * @example Basic usage
 * ```ts
 * assert(parseNumastat("numa_hit 5\nnuma_miss 1\n").hit === 5);
 * ```
 */
export function parseNumastat(text: string): { hit: number; miss: number } {
  const field = (name: string): number => Number(new RegExp(`^${name}\\s+(\\d+)$`, "m").exec(text)?.[1] ?? 0);
  return { hit: field("numa_hit"), miss: field("numa_miss") };
}

/**
 * numa_hit and numa_miss of the given nodes now; a node whose file cannot be read counts 0.
 * @param root the node folder (tests point at a fake tree)
 * @example Basic usage
 * ```ts
 * assert(readNumastat([0]).get(0)!.hit > 0);
 * ```
 */
export function readNumastat(nodes: readonly number[], root = NODE_DIR): NumastatSnapshot {
  const out: NumastatSnapshot = new Map();
  for (const n of nodes) {
    let text = "";
    try {
      text = readFileSync(`${root}/node${n}/numastat`, "utf8");
    } catch { /* a node without the file (CONFIG_NUMA off) counts nothing */ }
    out.set(n, parseNumastat(text));
  }
  return out;
}

/**
 * The growth of numa_hit and numa_miss per node between two snapshots, keyed by node id.
 * @example Basic usage
 * ```ts
 * const d = numastatDelta(new Map([[0, { hit: 1, miss: 0 }]]), new Map([[0, { hit: 9, miss: 2 }]]));
 * assert(d.numaHit["0"] === 8 && d.numaMiss["0"] === 2);
 * ```
 */
export function numastatDelta(before: NumastatSnapshot, after: NumastatSnapshot): { numaHit: Record<string, number>; numaMiss: Record<string, number> } {
  const numaHit: Record<string, number> = {}, numaMiss: Record<string, number> = {};
  for (const [n, a] of after) {
    const b = before.get(n) ?? { hit: a.hit, miss: a.miss };
    numaHit[String(n)] = a.hit - b.hit;
    numaMiss[String(n)] = a.miss - b.miss;
  }
  return { numaHit, numaMiss };
}
