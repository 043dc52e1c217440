/** Counting a process's pages per node from numa_maps, and which nodes migrate_pages empties. */
import type { Nodemask, NumaMapsEntry } from "../mod.ts";

/** Resident pages per node id, as numa_maps prints them (N<node>=<pages>, summed over mappings). */
export type PagesPerNode = Record<number, number>;

/**
 * Sums the resident pages of every mapping per node. Each count is in the mapping's own page
 * size, as numa_maps prints it, so a huge page counts as one page. Every node of `nodes` gets a
 * key, 0 when nothing is resident there, so that reports before and after have the same keys.
 * @param nodes node ids that must appear in the result (the configured nodes)
 * @example Basic usage
 * ```ts
 * const entries = parseNumaMaps("7f0000000000 default anon=3 N0=2 N1=1\n7f0000100000 bind:0 N0=5\n");
 * expect(pagesPerNode(entries, [0, 1, 2])).toEqual({ 0: 7, 1: 1, 2: 0 });
 * ```
 */
export function pagesPerNode(entries: readonly NumaMapsEntry[], nodes: readonly number[]): PagesPerNode {
  const out: PagesPerNode = {};
  for (const n of nodes) out[n] = 0;
  for (const e of entries) {
    for (const [n, c] of Object.entries(e.pagesPerNode)) out[Number(n)] = (out[Number(n)] ?? 0) + c;
  }
  return out;
}

/**
 * The FROM nodes whose pages migrate_pages moves elsewhere, by the kernel's rule
 * (do_migrate_pages in mm/mempolicy.c): the k-th node of FROM goes to the (k mod |TO|)-th node
 * of TO (node_remap); a node that maps to itself stays, and when FROM and TO differ in size a
 * FROM node that is also in TO stays too.
 * @example Basic usage
 * ```ts
 * expect(movingNodes(Nodemask.of(0, 1), Nodemask.of(2, 3))).toEqual([0, 1]);
 * expect(movingNodes(Nodemask.of(0), Nodemask.of(0))).toEqual([]);
 * expect(movingNodes(Nodemask.of(0, 1), Nodemask.of(1))).toEqual([0]);
 * ```
 */
export function movingNodes(from: Nodemask, to: Nodemask): number[] {
  const f = from.toArray(), t = to.toArray();
  if (t.length === 0) return [];
  return f.filter((s, k) => !(f.length !== t.length && to.has(s)) && t[k % t.length] !== s);
}

/**
 * Pages that have left the moving nodes since `before`: what a progress bar advances by and
 * what the report calls moved. An estimate from numa_maps, which the process itself changes
 * as it runs; the kernel's exact figure is the count of pages it could not move.
 * @example Basic usage
 * ```ts
 * expect(pagesLeft({ 0: 100, 1: 5 }, { 0: 40, 1: 65 }, [0])).toBe(60);
 * expect(pagesLeft({ 0: 10 }, { 0: 12 }, [0])).toBe(0);
 * ```
 */
export function pagesLeft(before: PagesPerNode, now: PagesPerNode, moving: readonly number[]): number {
  let left = 0;
  for (const n of moving) left += Math.max(0, (before[n] ?? 0) - (now[n] ?? 0));
  return left;
}

/**
 * Pages on the moving nodes before migration: the progress bar's total.
 * @example Basic usage
 * ```ts
 * expect(pagesOn({ 0: 100, 1: 5 }, [0, 1])).toBe(105);
 * ```
 */
export function pagesOn(pages: PagesPerNode, nodes: readonly number[]): number {
  return nodes.reduce((sum, n) => sum + (pages[n] ?? 0), 0);
}
