import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { getBigU64, getU64, setU64 } from "../../../host/core/records/mod.ts";

describe("u64 halves", () => {
  test("setU64 writes the halves BigInt would, at the edges of 2^32 and 2^53", () => {
    const u = new Uint32Array(2);
    for (const v of [0, 1, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, 0x7fff_ffff_f000, 2 ** 52 + 3, Number.MAX_SAFE_INTEGER]) {
      setU64(u, 0, v);
      expect(getBigU64(u, 0)).toBe(BigInt(v));
      expect(getU64(u, 0)).toBe(v);
    }
  });

  test("setU64 and getU64 round-trip every safe integer (fast-check)", () => {
    const u = new Uint32Array(4);
    fc.assert(fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (v) => {
      setU64(u, 1, v);
      return getU64(u, 1) === v && getBigU64(u, 1) === BigInt(v) && u[0] === 0 && u[3] === 0;
    }), { numRuns: 10_000 });
  });
});
