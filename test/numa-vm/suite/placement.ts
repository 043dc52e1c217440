// Where a buffer's pages are, as the kernel reports it in /proc/self/numa_maps (N<node>=pages),
// so every placement check is the kernel's word and not numabind's bookkeeping.
import { alloc, numaMaps, topology } from "../../../host/mod.ts";
import type { Numabind } from "../../../host/core/numabind.ts";
import { addressOf } from "../../helpers/maps.ts";

export const page = topology().pageSize;

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
