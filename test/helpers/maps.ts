import { numabind, type NumaMapsEntry } from "../../host/mod.ts";

/** Address of a view's first byte, through the backend (one FFI call, no bookkeeping). */
export function addressOf(u8: Uint8Array): bigint {
  return numabind.backend.addressOf(u8);
}

/** numa_maps entries (with ends) lying inside [start, end), sorted by address. */
export function entriesIn(entries: NumaMapsEntry[], start: bigint, end: bigint): NumaMapsEntry[] {
  return entries.filter((e) => e.end !== undefined && e.start >= start && e.end <= end)
    .sort((a, b) => (a.start < b.start ? -1 : 1));
}

/** Byte offset of the first page boundary inside `ab`. */
export function firstPageOffset(ab: ArrayBufferLike, page: number): number {
  const addr = addressOf(new Uint8Array(ab));
  return Number((BigInt(page) - addr % BigInt(page)) % BigInt(page));
}

/**
 * A page-aligned range nothing maps: the backend maps it, then unmaps it. (Another mapping
 * could reuse the hole; nothing in a test process maps between the two calls and the use.)
 */
export function unmappedRange(pages: number): { addr: bigint; length: bigint } {
  const b = numabind.backend;
  const length = BigInt(pages * numabind.topology().pageSize);
  const r = b.mmap!(length, 1);
  if (typeof r === "number") throw new Error(`mmap failed with errno ${-r}`);
  if (b.munmap!(r.addr, length) !== 0) throw new Error("munmap failed");
  return { addr: r.addr, length };
}

/** The distinct numa_maps policies of the mappings overlapping [start, end). */
export function policiesOver(entries: NumaMapsEntry[], start: bigint, end: bigint): string[] {
  return [...new Set(entries.filter((e) => e.end !== undefined && e.start < end && e.end > start).map((e) => e.policy))];
}
