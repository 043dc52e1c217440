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
