import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { pageDown, pageUp } from "../../../host/core/targets/mod.ts";

// Numbers take a division by the page size where it is a power of two, and % otherwise; the
// BigInt path is the reference for both.
describe("page boundaries of numbers agree with BigInt arithmetic", () => {
  const up = (a: bigint, p: bigint): bigint => (a + p - 1n) / p * p;
  const down = (a: bigint, p: bigint): bigint => a / p * p;

  test("at 0, at and next to a boundary, and at the top of the safe integers", () => {
    for (const p of [4096, 2 ** 21, 2 ** 30]) {
      for (const a of [0, 1, p - 1, p, p + 1, 2 ** 32 - 1, 2 ** 32, 2 ** 47 + 5, Number.MAX_SAFE_INTEGER - p]) {
        expect(pageUp(a, p)).toBe(Number(up(BigInt(a), BigInt(p))));
        expect(pageDown(a, p)).toBe(Number(down(BigInt(a), BigInt(p))));
      }
    }
  });

  test("every safe address, with power-of-two pages up to 1 GiB and other sizes (fast-check)", () => {
    const page = fc.oneof(fc.integer({ min: 0, max: 30 }).map((k) => 2 ** k), fc.integer({ min: 1, max: 3 << 20 }));
    fc.assert(fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER - 2 ** 30 }), page, (a, p) =>
      pageUp(a, p) === Number(up(BigInt(a), BigInt(p))) && pageDown(a, p) === Number(down(BigInt(a), BigInt(p)))
      && pageUp(BigInt(a), BigInt(p)) === up(BigInt(a), BigInt(p)) && pageDown(BigInt(a), BigInt(p)) === down(BigInt(a), BigInt(p))), { numRuns: 20_000 });
  });
});
