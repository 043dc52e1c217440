// Reading back where the kernel put a set of alloc() buffers' pages: numa_maps, which counts
// resident pages per node for each mapping, when the mappings covering the buffers are theirs
// alone; else a move_pages query per page (locate()), exact but slower. Adjacent alloc()s with
// one policy are merged by the kernel into one mapping, which is why the buffers are read
// together.
import { locate, numabind, numaMaps, topology } from "../mod.ts";

/**
 * Resident pages of some buffers, in total and by node id.
 * @example Basic usage
 * ```ts
 * const r: ResidentPages = residentPages([buf]);
 * assert(Object.values(r.pagesPerNode).reduce((a, b) => a + b, 0) === r.pages);
 * ```
 */
export interface ResidentPages { pages: number; pagesPerNode: Record<string, number>; source: "numa_maps" | "locate" }

/**
 * Where the pages of `buffers` (alloc() mappings) are now.
 * @example Basic usage
 * ```ts
 * const buf = alloc(1 << 20, { mode: "bind", nodes: [0] });
 * new Uint8Array(buf).fill(1);
 * assert(residentPages([buf]).pagesPerNode["0"] === 256);
 * ```
 */
export function residentPages(buffers: readonly ArrayBuffer[]): ResidentPages {
  const page = BigInt(topology().pageSize);
  const ranges = buffers.map((b) => {
    const start = numabind.backend.addressOf(new Uint8Array(b));
    return { start, end: start + ((BigInt(b.byteLength) + page - 1n) / page) * page };
  }).sort((a, b) => (a.start < b.start ? -1 : 1));
  const merged: { start: bigint; end: bigint }[] = [];
  for (const r of ranges) {
    const last = merged.at(-1);
    if (last && r.start <= last.end) last.end = r.end > last.end ? r.end : last.end;
    else merged.push({ ...r });
  }
  const entries = numaMaps().filter((e) => merged.some((r) => e.start < r.end && (e.end === undefined || e.end > r.start)));
  const theirs = entries.every((e) => e.end !== undefined && merged.some((r) => e.start >= r.start && e.end! <= r.end));
  const pagesPerNode: Record<string, number> = {};
  let pages = 0;
  const add = (node: number, n: number): void => { pagesPerNode[String(node)] = (pagesPerNode[String(node)] ?? 0) + n; pages += n; };
  if (theirs) {
    for (const e of entries) for (const [n, p] of Object.entries(e.pagesPerNode)) add(Number(n), p);
    return { pages, pagesPerNode, source: "numa_maps" };
  }
  // A mapping shared with memory that is not ours: ask for every page instead.
  for (const b of buffers) for (const s of locate(b)) if (s >= 0) add(s, 1);
  return { pages, pagesPerNode, source: "locate" };
}
