import { MPOL_LOCAL, MPOL_PREFERRED_MANY, MPOL_WEIGHTED_INTERLEAVE } from "../../../assembly/abi.ts";

/** A Linux release as [major, minor]. */
export type Release = readonly [number, number];

/**
 * The first Linux release that knows each mode newer than the original four (default,
 * preferred, bind, interleave), from kernel-mempolicy.md §1. Older kernels answer EINVAL.
 * @example Basic usage
 * ```ts
 * expect(MODE_SINCE[MPOL_PREFERRED_MANY]).toEqual([5, 15]);
 * ```
 */
export const MODE_SINCE: Readonly<Record<number, Release>> = Object.freeze({
  [MPOL_LOCAL]: [3, 8], [MPOL_PREFERRED_MANY]: [5, 15], [MPOL_WEIGHTED_INTERLEAVE]: [6, 9],
});

/**
 * The first releases that take MPOL_F_NUMA_BALANCING: with bind, from mbind and from
 * set_mempolicy (the man pages); with preferred-many as well (commit 133d04b1eee9).
 * @example Basic usage
 * ```ts
 * expect(releaseText(BALANCING_SINCE.preferredMany)).toBe("6.10");
 * ```
 */
export const BALANCING_SINCE: Readonly<{ mbind: Release; set_mempolicy: Release; preferredMany: Release }> = Object.freeze({
  mbind: [5, 15], set_mempolicy: [5, 12], preferredMany: [6, 10],
});

/**
 * A release as the kernel names it: "5.15".
 * @example Basic usage
 * ```ts
 * expect(releaseText([6, 9])).toBe("6.9");
 * ```
 */
export function releaseText(r: Release): string {
  return `${r[0]}.${r[1]}`;
}
