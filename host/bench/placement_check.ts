// Deciding whether pages landed where a policy asked: pure, so that the rules can be tested on
// counts that no machine here produces (a page on a wrong node, a lopsided interleave).

/**
 * Share of pages that must be on the expected nodes when a policy allows fallback (preferred,
 * local, no policy): the kernel may place a few pages elsewhere when a node runs short.
 * @example Basic usage
 * ```ts
 * assert(checkPlacement({ 0: 96, 1: 4 }, { nodes: [0], spread: false }, MOST_SHARE).ok);
 * ```
 */
export const MOST_SHARE = 0.95;
/**
 * bind and the matrix's cells: every page on the expected nodes.
 * @example Basic usage
 * ```ts
 * assert(!checkPlacement({ 0: 99, 1: 1 }, { nodes: [0], spread: false }, ALL_SHARE).ok);
 * ```
 */
export const ALL_SHARE = 1;
/**
 * An interleaved range is spread when every expected node holds at least this share of its
 * split (total / nodes, or by weight): interleave places page by page, so any real spread is
 * far above it.
 */
const SPREAD_FLOOR = 0.5;

/**
 * Where pages must be: on `nodes`, and with `spread`, over every one of them.
 * @example Basic usage
 * ```ts
 * const interleaved: PlacementExpectation = { nodes: [0, 1], spread: true };
 * assert(!checkPlacement({ 0: 100 }, interleaved).ok);
 * ```
 */
export interface PlacementExpectation { nodes: number[]; spread: boolean }

/**
 * Checks resident pages per node against an expectation.
 * @param pagesPerNode resident pages by node id (numa_maps' N<node>= counts)
 * @param expect the nodes the pages must be on, and whether they must be spread over all of them
 * @param required the share of pages that must be on the expected nodes (ALL_SHARE or MOST_SHARE)
 * @param weights for a spread: each node's weight (weighted interleave); even when left out
 * @returns ok, or not ok with a reason that names the nodes and the counts
 * @example Basic usage
 * ```ts
 * assert(checkPlacement({ 0: 512 }, { nodes: [0], spread: false }).ok);
 * assert(!checkPlacement({ 0: 512 }, { nodes: [1], spread: false }).ok);
 * ```
 */
export function checkPlacement(pagesPerNode: Readonly<Record<string, number>>, expect: PlacementExpectation,
  required: number = ALL_SHARE, weights?: Readonly<Record<string, number>>): { ok: boolean; reason?: string } {
  if (expect.nodes.length === 0) throw new RangeError("Cannot check placement: the expectation must name at least one node, current value is []");
  const counts = Object.entries(pagesPerNode).map(([n, p]) => [Number(n), p] as const).filter(([, p]) => p > 0);
  const total = counts.reduce((s, [, p]) => s + p, 0);
  const want = expect.nodes.join(",");
  if (total === 0) return { ok: false, reason: `no resident pages were found, so none is on node ${want}: the arrays were not touched, or numa_maps could not be read` };
  const outside = counts.filter(([n]) => !expect.nodes.includes(n));
  const off = outside.reduce((s, [, p]) => s + p, 0);
  if ((total - off) / total < required) {
    const where = outside.map(([n, p]) => `${p} on node ${n}`).join(", ");
    const rule = required >= 1 ? "every page" : `at least ${Math.round(required * 100)}% of them`;
    return { ok: false, reason: `${off} of ${total} pages are outside node ${want} (${where}); the policy asks for ${rule} on node ${want}` };
  }
  if (expect.spread && expect.nodes.length > 1) {
    const weightOf = (n: number): number => weights?.[String(n)] ?? 1;
    const sum = expect.nodes.reduce((s, n) => s + weightOf(n), 0);
    for (const n of expect.nodes) {
      const p = pagesPerNode[String(n)] ?? 0, share = (total * weightOf(n)) / sum;
      if (p < SPREAD_FLOOR * share) {
        const how = weights ? `by weights ${expect.nodes.map((m) => `${m}:${weightOf(m)}`).join(" ")}, node ${n} should hold` : "each should hold";
        return { ok: false, reason: `node ${n} holds ${p} of ${total} pages; spread over nodes ${want} ${how} about ${Math.round(share)}` };
      }
    }
  }
  return { ok: true };
}
