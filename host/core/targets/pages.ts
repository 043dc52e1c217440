// Page boundaries of addresses and lengths. A buffer owns the pages inside it: from the first
// boundary at or above its start to the last at or below its end. Numbers are exact below
// 2^53 (x % page is exact there, and so is division by a power of two); bigints everywhere.
import { invalid } from "../errors.ts";

/**
 * The first multiple of `page` at or above `a` (a ≥ 0).
 * @example Basic usage
 * ```ts
 * expect(pageUp(4097, 4096)).toBe(8192);
 * expect(pageUp(8192n, 4096n)).toBe(8192n);
 * ```
 */
export function pageUp(a: number, page: number): number;
export function pageUp(a: bigint, page: bigint): bigint;
export function pageUp(a: number | bigint, page: number | bigint): number | bigint {
  if (typeof a === "bigint") {
    const r = a % (page as bigint);
    return r === 0n ? a : a - r + (page as bigint);
  }
  const p = page as number;
  if (isPowerOfTwo(p)) return Math.ceil(a / p) * p;
  const r = a % p;
  return r === 0 ? a : a - r + p;
}

/**
 * The last multiple of `page` at or below `a` (a ≥ 0).
 * @example Basic usage
 * ```ts
 * expect(pageDown(8191, 4096)).toBe(4096);
 * expect(pageDown(8192n, 4096n)).toBe(8192n);
 * ```
 */
export function pageDown(a: number, page: number): number;
export function pageDown(a: bigint, page: bigint): bigint;
export function pageDown(a: number | bigint, page: number | bigint): number | bigint {
  if (typeof a === "bigint") return a - a % (page as bigint);
  const p = page as number;
  return isPowerOfTwo(p) ? Math.floor(a / p) * p : a - a % p;
}

// A double's % is a call into C in V8 (~20 ns); dividing by a power of two is exact, and
// inline. Page sizes are powers of two; the % stays for any other size.
function isPowerOfTwo(p: number): boolean {
  return p > 0 && p <= 2 ** 30 && (p & (p - 1)) === 0;
}

/** Pages of a target: the first page's address and how many. */
export interface PageSpan { first: bigint; count: number; pageSize: number }

/** Most pages one call of locate()/movePages() takes: its Int32Array result is then 1 GiB. */
export const MAX_PAGES = 2 ** 28;

/**
 * The pages a resolved target covers: every page it touches (`owned` false, for queries) or
 * only the pages it fully owns (`owned` true, for anything that changes pages). Throws a
 * NumaError (EINVAL) when there is none, or more than MAX_PAGES.
 * @param arg the argument errors blame
 * @example Basic usage
 * ```ts
 * expect(pageSpan({ addr: 4096n, length: 8192n }, 4096, "target", true)).toEqual({ first: 4096n, count: 2, pageSize: 4096 });
 * expect(pageSpan({ addr: 100n, length: 8192n }, 4096, "target", false).count).toBe(3);
 * ```
 */
export function pageSpan(t: { addr: bigint; length: bigint }, pageSize: number, arg: string, owned: boolean): PageSpan {
  const page = BigInt(pageSize);
  const start = t.addr, end = t.addr + t.length;
  const first = owned ? pageUp(start, page) : pageDown(start, page);
  const last = owned ? pageDown(end, page) : pageUp(end, page);
  const pages = last > first ? (last - first) / page : 0n;
  if (pages === 0n) {
    throw invalid(arg, owned
      ? `Cannot use ${arg}: it owns no whole ${pageSize}-byte page (0x${start.toString(16)}+${t.length}), and numabind moves only pages a buffer fully owns`
      : `Cannot use ${arg}: it is empty`);
  }
  if (pages > BigInt(MAX_PAGES)) {
    throw invalid(arg, `Cannot use ${arg}: it spans ${pages} pages, and one call takes at most ${MAX_PAGES}; split the range`);
  }
  return { first, count: Number(pages), pageSize };
}
