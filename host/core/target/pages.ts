// Page boundaries of addresses and lengths. A buffer owns the pages inside it: from the first
// boundary at or above its start to the last at or below its end. Numbers are exact below
// 2^53 (x % page is exact there, and so is division by a power of two); bigints everywhere.

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
  const r = a % (page as number);
  return r === 0 ? a : a - r + (page as number);
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
  return typeof a === "bigint" ? a - a % (page as bigint) : a - a % (page as number);
}
