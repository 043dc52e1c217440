import { expect, test } from "vitest";
import { OP_SIZE } from "../../../assembly/abi.ts";
import { mappingDelta } from "../../../host/core/plan/mod.ts";

const P = 4096;
/** Op records for [page, page + pages) ranges with a (mode, mask) policy each. */
function ops(...list: [number, number, number, number][]): Uint32Array {
  const u32 = new Uint32Array(list.length * (OP_SIZE >>> 2));
  list.forEach(([page, pages, mode, mask], k) => {
    const o = k * (OP_SIZE >>> 2);
    u32[o] = page * P; u32[o + 2] = pages * P; u32[o + 4] = mode; u32[o + 6] = mask; u32[o + 7] = k;
  });
  return u32;
}
const maps = (...ranges: [number, number][]) => ({ starts: ranges.map(([s]) => s * P), ends: ranges.map(([, e]) => e * P) });

test("mappingDelta() counts a bind over whole mappings as the merge it is", () => {
  // One op over three mappings exactly: they become one.
  expect(mappingDelta(ops([10, 30, 2, 0]), 1, maps([10, 20], [20, 30], [30, 40]))).toBe(-2);
  // Over 1,000 single-page mappings and the parts of two more.
  const many = maps(...Array.from({ length: 1002 }, (_, i): [number, number] => [100 + i, 101 + i]));
  expect(mappingDelta(ops([100, 1002, 2, 0]), 1, many)).toBe(-1001);
});

test("mappingDelta() counts splits: a middle range adds two, an edge range one, adjacent policies one each", () => {
  expect(mappingDelta(ops([12, 2, 2, 0]), 1, maps([10, 20]))).toBe(2);
  expect(mappingDelta(ops([10, 2, 2, 0]), 1, maps([10, 20]))).toBe(1);
  expect(mappingDelta(ops([10, 2, 2, 0], [12, 2, 4, 0xffffffff], [14, 6, 2, 0]), 3, maps([10, 20]))).toBe(2);
  // Chunks of one policy, and ops differing only in mbind flags, leave one mapping.
  expect(mappingDelta(ops([12, 2, 2, 0], [14, 2, 2, 0]), 2, maps([10, 20]))).toBe(2);
  // Separate groups each count.
  expect(mappingDelta(ops([12, 1, 2, 0], [15, 1, 2, 0]), 2, maps([10, 20]))).toBe(4);
  // Unmapped ranges merge with nothing (mbind itself will refuse them with EFAULT).
  expect(mappingDelta(ops([50, 1, 2, 0], [51, 1, 4, 0xffffffff]), 2, maps([10, 20]))).toBe(2);
  expect(mappingDelta(ops(), 0, maps())).toBe(0);
});
