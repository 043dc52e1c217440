// Where a buffer's pages are, as the kernel reports it in /proc/self/numa_maps (N<node>=pages),
// so every placement check is the kernel's word and not numabind's bookkeeping.
import type { Numabind } from "../../../host/core/mod.ts";
import { kernelAtLeast } from "../../../host/core/system/mod.ts";
import { alloc, bind, numaMaps, topology } from "../../../host/mod.ts";
import { addressOf } from "../../helpers/maps.ts";

export const page = topology().pageSize;

/**
 * What locate() (move_pages with no nodes) reports for an anonymous page never touched, on
 * the guest's kernel: -ENOENT from 6.12 on; -EFAULT on 4.3-6.11, where follow_page(FOLL_DUMP)
 * answered -EFAULT for a missing page (fixed by 7dff875c9436, not backported to 6.1, whose
 * Debian build the guest boots).
 * @example
 * ```ts
 * expect([...locate(region(4))]).toEqual([UNTOUCHED, UNTOUCHED, UNTOUCHED, UNTOUCHED]);
 * ```
 */
export const UNTOUCHED = kernelAtLeast(6, 12) ? -2 : -14;

/** What numa_maps says about the pages a buffer fully owns. */
export interface Placement {
  /** First and end address of the owned, page-aligned interior. */
  start: bigint;
  end: bigint;
  /** Resident pages per node, summed over the interior's mappings. */
  perNode: Record<number, number>;
  /** Resident pages in all. */
  resident: number;
  /** Policy text of each mapping in the interior, in address order. */
  policies: string[];
}

const bytes = (b: ArrayBufferLike | ArrayBufferView): Uint8Array =>
  ArrayBuffer.isView(b) ? new Uint8Array(b.buffer, b.byteOffset, b.byteLength) : new Uint8Array(b);

/**
 * numa_maps' view of a buffer. numa_maps counts per mapping, not per page, so a mapping that
 * reaches past the buffer (merged with a neighbour of equal policy) cannot be attributed: that
 * throws instead of guessing.
 * @example
 * ```ts
 * const buf = alloc(64 * page, { mode: "bind", nodes: [2] });
 * touch(buf);
 * expect(placementOf(buf).perNode).toEqual({ 2: 64 });
 * ```
 */
export function placementOf(buf: ArrayBufferLike | ArrayBufferView): Placement {
  const u8 = bytes(buf);
  const p = BigInt(page);
  const at = addressOf(u8);
  const start = (at + p - 1n) / p * p;
  const end = (at + BigInt(u8.byteLength)) / p * p;
  const entries = numaMaps()
    .filter((e) => e.end !== undefined && e.start < end && e.end > start)
    .sort((a, b) => (a.start < b.start ? -1 : 1));
  const perNode: Record<number, number> = {};
  for (const e of entries) {
    if (e.start < start || e.end! > end) {
      throw new Error(`numa_maps mapping 0x${e.start.toString(16)}-0x${e.end!.toString(16)} reaches past the buffer ` +
        `0x${start.toString(16)}-0x${end.toString(16)} (merged with a neighbour): its page counts cannot be attributed`);
    }
    for (const [n, c] of Object.entries(e.pagesPerNode)) perNode[Number(n)] = (perNode[Number(n)] ?? 0) + c;
  }
  const resident = Object.values(perNode).reduce((a, b) => a + b, 0);
  return { start, end, perNode, resident, policies: entries.map((e) => e.policy) };
}

/**
 * Writes every page a buffer owns, so each is faulted in where its policy says.
 * @example
 * ```ts
 * touch(alloc(16 * page, { mode: "interleave", nodes: [0, 1] }));
 * ```
 */
export function touch(buf: ArrayBufferLike | ArrayBufferView): void {
  const u8 = bytes(buf);
  for (let i = 0; i < u8.byteLength; i += page) u8[i] = 1;
  if (u8.byteLength) u8[u8.byteLength - 1] = 1;
}

/**
 * A fresh region of `pages` untouched pages with default policy and a guard page each side,
 * so binding it never lets it merge with a neighbour's mapping.
 * @param nb the instance to map it with (a test of another backend passes its own)
 * @example
 * ```ts
 * const r = region(64);   // Uint8Array of 64 pages, page-aligned
 * ```
 */
export function region(pages: number, nb: Pick<Numabind, "alloc"> = { alloc }): Uint8Array {
  const ab = nb.alloc((pages + 2) * page, { mode: "default" });
  return new Uint8Array(ab, page, pages * page);
}

/**
 * Absolute virtual page number of the first page a view touches: what the kernel's interleave
 * index of an anonymous page is made of (vm_pgoff + offset in the mapping = address >> PAGE_SHIFT).
 * @example
 * ```ts
 * const r = region(8);
 * expect(Number(addressOf(r) / BigInt(page))).toBe(pageNumber(r));
 * ```
 */
export function pageNumber(buf: ArrayBufferLike | ArrayBufferView): number {
  return Number(addressOf(bytes(buf)) / BigInt(page));
}

/**
 * A fresh region of `pages` untouched default-policy pages that starts on a multiple of
 * `alignPages` pages (absolute address), with at least one guard page each side.
 * @example
 * ```ts
 * const r = alignedRegion(128, 32);
 * expect(pageNumber(r) % 32).toBe(0);
 * ```
 */
export function alignedRegion(pages: number, alignPages: number): Uint8Array {
  const ab = alloc((pages + alignPages + 1) * page, { mode: "default" });
  const first = pageNumber(ab);
  // 1..alignPages pages in: at least one guard page before, and alignPages + 1 spare pages
  // leave at least one after.
  const skip = (alignPages - ((first + 1) % alignPages)) % alignPages + 1;
  return new Uint8Array(ab, skip * page, pages * page);
}

/**
 * Pages per node from per-page statuses (locate()'s result or a predicted layout); negative
 * statuses (not resident) are left out, so it compares with Placement.perNode.
 * @example
 * ```ts
 * expect(countNodes(Int32Array.of(1, 3, 1, -14))).toEqual({ 1: 2, 3: 1 });
 * ```
 */
export function countNodes(status: ArrayLike<number>): Record<number, number> {
  const out: Record<number, number> = {};
  for (let i = 0; i < status.length; i++) if (status[i]! >= 0) out[status[i]!] = (out[status[i]!] ?? 0) + 1;
  return out;
}

/**
 * The node the kernel gives the anonymous page with absolute page number `vpn` under
 * interleave over `nodes` (ascending): the (index mod count)-th node of the mask, where the
 * index is the page number (vm_pgoff + offset in the mapping). Before 6.7 the kernel cut the
 * index to 32 bits first (offset_il_node: `(unsigned int)n % nnodes`); x86_64 mappings sit
 * near 2^47, so with a node count that is not a power of two the layout shifts by
 * (vpn >> 32) mod count, as the 6.1 guest shows. 6.7 (Hugh Dickins' alloc_pages_mpol rework,
 * `ilx % nnodes` on a pgoff_t) keeps all 64 bits.
 * @example
 * ```ts
 * expect(interleaveNode(7, [0, 2, 3])).toBe(2);
 * ```
 */
export function interleaveNode(vpn: number, nodes: readonly number[]): number {
  const index = INTERLEAVE_INDEX_32 ? vpn % 2 ** 32 : vpn;
  return nodes[index % nodes.length]!;
}

const INTERLEAVE_INDEX_32 = !kernelAtLeast(6, 7);

/**
 * A fresh region of `pages` untouched pages with no policy of their own (the thread policy
 * places them) that is a mapping of its own: the guard page each side gets a policy, so
 * the pages never merge with a neighbouring mapping and numa_maps' counts for them are theirs
 * alone (region()'s default-policy pages may merge with neighbours that have no policy either).
 * @example
 * ```ts
 * const r = unpoliciedRegion(64);
 * touch(r);
 * placementOf(r).policies;   // ["default"]
 * ```
 */
export function unpoliciedRegion(pages: number): Uint8Array {
  const ab = alloc((pages + 2) * page, { mode: "default" });
  for (const at of [0, pages + 1]) bind(new Uint8Array(ab, at * page, page), GUARD_POLICY);
  return new Uint8Array(ab, page, pages * page);
}

/**
 * The guard pages' policy: one no test gives a buffer, so a guard never merges with a tested
 * buffer that alloc() mapped next to it (a bind:0 guard did, with alloc()'s bind:0 buffer).
 */
const GUARD_POLICY = { mode: "interleave", nodes: topology().withMemory, static: true } as const;
