import { MPOL_BIND, MPOL_LOCAL, MPOL_MAX, MPOL_PREFERRED_MANY } from "../../../assembly/abi.ts";
import { BALANCING_SINCE, MODE_SINCE, type Release } from "../policy/mod.ts";
import {
  hasCapSysNice, kernelVersion, mapCount, maxMapCount, nodeIds, nodemaskBits, procStatus, readText,
  system,
} from "../system/mod.ts";

/** What the kernel's mbind rules depend on, beyond the node sets (kernel-mempolicy.md §1-§3). */
export interface KernelFacts {
  /** The kernel's nodemask width in bits (MAX_NUMNODES): the width of Mems_allowed. */
  maxNumNodes: number;
  /** Whether this process holds CAP_SYS_NICE (CapEff bit 23): MPOL_MF_MOVE_ALL needs it. */
  capSysNice: boolean;
  /** Number of modes the kernel knows (MPOL_MAX): 7 from Linux 6.9, 6 from 5.15, 5 from 3.8. */
  mpolMax: number;
  /** Bit m set: mode m takes MPOL_F_NUMA_BALANCING (bind from 5.15, preferred-many from 6.10). */
  balancingModes: number;
  /** PMD (transparent huge page) size in bytes: hugePageAlign's boundary. */
  hugePageSize: number;
  /** vm.max_map_count. */
  maxMapCount: number;
  /**
   * Mappings the process has (lines of /proc/self/maps, about 1 µs per mapping to read). With
   * `fresh` false, a count read in the last second plus what calls since then noted adding
   * (noteMappings) may be returned instead: never less than the process has, unless something
   * else mapped memory in that second (what the reserve below vm.max_map_count is for).
   */
  mapCount(fresh?: boolean): number;
  /** Notes that a call just added up to `n` mappings, so a cached count stays an upper bound. */
  noteMappings(n: number): void;
  /**
   * How many times the count has been read fresh. Each fresh read drops what noteMappings
   * noted: a caller that skips noting what it already noted (bind() of a range bound just
   * before) does so only while this is unchanged.
   */
  readonly freshCounts: number;
  /**
   * Weighted-interleave weights by node id (/sys/kernel/mm/mempolicy/weighted_interleave/nodeN),
   * read at most once a second.
   */
  interleaveWeights(): number[];
}

/**
 * What a plan assumes when no kernel facts are given (a current kernel: every mode, balancing
 * with bind and preferred-many, the common nodemask width and limits), and what
 * readKernelFacts() falls back to where /proc or sysfs says nothing.
 * @example Basic usage
 * ```ts
 * expect(DEFAULT_KERNEL_FACTS.mpolMax).toBe(7);
 * ```
 */
export const DEFAULT_KERNEL_FACTS = Object.freeze({
  maxNumNodes: 1024, capSysNice: false, mpolMax: MPOL_MAX,
  balancingModes: (1 << MPOL_BIND) | (1 << MPOL_PREFERRED_MANY), hugePageSize: 2 << 20, maxMapCount: 65530,
});

/**
 * MPOL_MAX and the balancing modes for a kernel release (modes and flags by version, from
 * kernel-mempolicy.md §1).
 * @example
 * ```ts
 * expect(modeFacts("6.18.44")).toEqual({ mpolMax: 7, balancingModes: 0b100100 });
 * expect(modeFacts("5.10.0").mpolMax).toBe(5);
 * ```
 */
export function modeFacts(rel: string): { mpolMax: number; balancingModes: number } {
  const [a, b] = kernelVersion(rel);
  const at = ([x, y]: Release): boolean => a > x || (a === x && b >= y);
  // Modes 0..3 are as old as NUMA support; each newer one raises MPOL_MAX past itself.
  let mpolMax = MPOL_LOCAL;
  for (const [mode, since] of Object.entries(MODE_SINCE)) if (at(since)) mpolMax = Math.max(mpolMax, Number(mode) + 1);
  let balancingModes = at(BALANCING_SINCE.mbind) ? 1 << MPOL_BIND : 0;
  if (at(BALANCING_SINCE.preferredMany)) balancingModes |= 1 << MPOL_PREFERRED_MANY;
  return { mpolMax, balancingModes };
}

/**
 * Reads the kernel facts for this process. `root` lets tests point at a fake tree; `rel` is
 * the kernel release (uname's, by default).
 * @example
 * ```ts
 * const k = readKernelFacts();
 * expect(k.maxNumNodes).toBeGreaterThan(0);
 * ```
 */
export function readKernelFacts(root = "/", rel = system().kernelRelease()): KernelFacts {
  const thp = Number(readText(root, "sys/kernel/mm/transparent_hugepage/hpage_pmd_size") ?? "");
  let counted = 0, countedAt = -Infinity, noted = 0, sinceAgeCheck = 0, freshCounts = 0;
  let weights: number[] = [], weighedAt = -Infinity;
  const recount = (fresh: boolean): number => {
    sinceAgeCheck = 0;
    const now = performance.now();
    if (fresh || now - countedAt > MAX_AGE_MS) { counted = mapCount("self", root) ?? 0; countedAt = now; noted = 0; freshCounts++; }
    return counted + noted;
  };
  return {
    maxNumNodes: nodemaskBits(procStatus(root).memsAllowed, DEFAULT_KERNEL_FACTS.maxNumNodes),
    capSysNice: hasCapSysNice(root) === true,
    ...modeFacts(rel),
    hugePageSize: Number.isInteger(thp) && thp > 0 ? thp : DEFAULT_KERNEL_FACTS.hugePageSize,
    maxMapCount: maxMapCount(root) || DEFAULT_KERNEL_FACTS.maxMapCount,
    mapCount(fresh) {
      // Reading the clock costs about what a lean bind() adds, so a cached count's age is
      // checked every AGE_CHECK_EVERY calls: a few hundred binds are well under a millisecond.
      // The rest is a call away, so that V8 inlines this test into bind()'s lean path.
      if (fresh === false && ++sinceAgeCheck < AGE_CHECK_EVERY && countedAt !== -Infinity) return counted + noted;
      return recount(fresh !== false);
    },
    noteMappings(n) { noted += n; },
    get freshCounts() { return freshCounts; },
    interleaveWeights() {
      const now = performance.now();
      if (now - weighedAt > MAX_AGE_MS) { weights = readWeights(root); weighedAt = now; }
      return weights;
    },
  };
}

/** How old a cached map count (for a plan that adds few mappings, see plan.ts) or weight table may be. */
const MAX_AGE_MS = 1000;
/** Cached-count reads between two looks at its age (see mapCount). */
const AGE_CHECK_EVERY = 256;

const WEIGHTS = "sys/kernel/mm/mempolicy/weighted_interleave";

function readWeights(root: string): number[] {
  const out: number[] = [];
  for (const id of nodeIds(root, WEIGHTS) ?? []) {
    const v = Number((readText(root, `${WEIGHTS}/node${id}`) ?? "").trim());
    if (v && Number.isInteger(v) && v > 0) out[id] = v;
  }
  for (let i = 0; i < out.length; i++) out[i] ??= 1;
  return out;
}
