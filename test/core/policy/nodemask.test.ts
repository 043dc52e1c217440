import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { MASK_MAX_BITS, SLOT_A } from "../../../assembly/abi.ts";
import { Engine } from "../../../host/core/engine/mod.ts";
import { Nodemask } from "../../../host/core/policy/mod.ts";

describe("Nodemask", () => {
  test("Nodemask.of() holds exactly the given nodes, in any order, deduplicated", () => {
    const m = Nodemask.of(5, 0, 64, 5);
    expect(m.toArray()).toEqual([0, 5, 64]);
    expect(m.size).toBe(3);
    expect(m.has(64)).toBe(true);
    expect(m.has(63)).toBe(false);
    expect(m.words64).toBe(2);
  });

  test("Nodemask.of() reaches node 32767 and refuses 32768, negatives and fractions", () => {
    expect(Nodemask.of(32767).toArray()).toEqual([32767]);
    expect(Nodemask.of(32767).words64).toBe(512);
    expect(() => Nodemask.of(32768)).toThrow(/0\.\.32767/);
    expect(() => Nodemask.of(-1)).toThrow(RangeError);
    expect(() => Nodemask.of(1.5)).toThrow(RangeError);
  });

  test("union(), intersect(), difference() work across different widths", () => {
    const a = Nodemask.of(0, 1, 100), b = Nodemask.of(1, 2);
    expect(a.union(b).toArray()).toEqual([0, 1, 2, 100]);
    expect(a.intersect(b).toArray()).toEqual([1]);
    expect(a.difference(b).toArray()).toEqual([0, 100]);
    expect(b.difference(a).toArray()).toEqual([2]);
    expect(a.intersect(Nodemask.of(3)).isEmpty).toBe(true);
  });

  test("equals() ignores width: a mask narrowed by an operation equals one built directly", () => {
    const wide = Nodemask.of(0, 200).difference(Nodemask.of(200));
    expect(wide.equals(Nodemask.of(0))).toBe(true);
    expect(wide.words64).toBe(1);
    expect(Nodemask.of(0).equals(Nodemask.of(1))).toBe(false);
    expect(Nodemask.EMPTY.isEmpty).toBe(true);
    expect(Nodemask.EMPTY.size).toBe(0);
    expect(Nodemask.EMPTY.words64).toBe(1);
    expect(Nodemask.of().words64).toBe(1);
  });

  test("toList() writes the kernel's range list", () => {
    expect(Nodemask.of(0, 1, 2, 3, 5, 7, 8, 9).toList()).toBe("0-3,5,7-9");
    expect(Nodemask.EMPTY.toList()).toBe("");
  });

  test("fromWords() reads u32 halves of u64 words and refuses bits past 32767", () => {
    expect(Nodemask.fromWords(new Uint32Array([0, 1])).toArray()).toEqual([32]);
    const big = new Uint32Array(1025);
    big[1024] = 1;
    expect(() => Nodemask.fromWords(big)).toThrow(/bit 32768/);
  });
});

describe("Nodemask size and isEmpty", () => {
  test("size and isEmpty agree with the engine's mask_popcount and mask_is_empty at every width", () => {
    const e = new Engine();
    // Narrow masks (counted in JavaScript) and wide ones (counted in the engine).
    const node = fc.oneof(fc.integer({ min: 0, max: 63 }), fc.integer({ min: 0, max: 4095 }), fc.integer({ min: 0, max: MASK_MAX_BITS - 1 }));
    fc.assert(fc.property(fc.uniqueArray(node, { maxLength: 40 }),
      fc.integer({ min: 0, max: 20 }), (nodes, drop) => {
        // Masks narrowed by a set operation as well as built directly.
        const m = Nodemask.of(...nodes).difference(Nodemask.of(...nodes.slice(0, drop)));
        e.putMask(SLOT_A, m.toWords(), m.words64);
        expect(m.size).toBe(e.x.mask_popcount(m.words64));
        expect(m.isEmpty).toBe(e.x.mask_is_empty(m.words64) !== 0);
      }), { numRuns: 500 });
  });
});
