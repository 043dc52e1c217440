import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import * as abi from "../../../assembly/abi.ts";
import { Nodemask, NodestringError, topology } from "../../../host/mod.ts";

function reason(f: () => unknown): [number, number] {
  try { f(); } catch (e) { if (e instanceof NodestringError) return [e.reason, e.position]; throw e; }
  throw new Error("expected a NodestringError");
}

describe("Nodemask list format", () => {
  test.each([
    [[], ""], [[0], "0"], [[0, 1, 2, 3, 5, 7, 8, 9], "0-3,5,7-9"], [[1, 3, 5], "1,3,5"], [[63, 64], "63-64"],
    [[1023, 1024, 32767], "1023-1024,32767"],
  ])("%j <-> %j", (ids, text) => {
    expect(Nodemask.of(...ids).toList()).toBe(text);
    expect(Nodemask.fromList(text).toArray()).toEqual(ids);
  });

  test("fromList() takes any id up to 32767 and one trailing newline, as sysfs prints", () => {
    expect(Nodemask.fromList("0-32767").size).toBe(32768);
    expect(Nodemask.fromList("0-2,5\n").toList()).toBe("0-2,5");
  });

  test.each([
    ["3-1", "T_REVERSED", 0], ["1,,2", "T_EMPTY_ITEM", 2], ["1,", "T_TRAILING_COMMA", 1], ["32768", "T_TOO_BIG", 0],
    ["010", "T_LEADING_ZERO", 0], ["0x3", "T_HEX_PREFIX", 0], ["a", "T_CHAR", 0], ["1 2", "T_CHAR", 1], ["!1", "T_CHAR", 0],
    ["all", "T_CHAR", 0], ["1-", "T_RANGE_END", 2], ["1\n\n", "T_CHAR", 1],
  ] as const)("fromList(%j) fails with %s at %i", (s, code, pos) => {
    expect(reason(() => Nodemask.fromList(s))).toEqual([abi[code], pos]);
  });
});

describe("Nodemask hex and cpumap formats", () => {
  test.each([
    [[], "0x0"], [[0, 1], "0x3"], [[4], "0x10"], [[64], "0x10000000000000000"],
    [[0, 127], "0x80000000000000000000000000000001"],
  ])("toHex(%j) is %j and parses back", (ids, text) => {
    expect(Nodemask.of(...ids).toHex()).toBe(text);
    expect(Nodemask.fromHex(text).toArray()).toEqual(ids);
  });

  test.each([
    [[32], undefined, "00000001,00000000"], [[], undefined, "00000000"], [[0, 31], undefined, "80000001"],
    [[32], 33, "1,00000000"], [[0, 1, 2, 3, 4, 5], 6, "3f"], [[0], 64, "00000000,00000001"],
  ])("toCpumap(%j, %j) is %j, like the kernel's %%*pb", (ids, bits, text) => {
    expect(Nodemask.of(...ids).toCpumap(bits)).toBe(text);
    expect(Nodemask.fromHex(text).toArray()).toEqual(ids);
  });

  test("toCpumap(1024) prints Mems_allowed as /proc/self/status does, and fromHex reads it back", () => {
    const status = readFileSync("/proc/self/status", "utf8");
    const line = /^Mems_allowed:\s*(\S+)$/m.exec(status)![1]!;
    const allowed = topology().memsAllowed;
    expect(Nodemask.fromHex(line).equals(allowed)).toBe(true);
    expect(allowed.toCpumap(line.replace(/,/g, "").length * 4)).toBe(line);
  });

  test("fromHex() accepts 0x/0X, leading zeros and any cpumap width, and refuses bits past 32767", () => {
    expect(Nodemask.fromHex("0X3").toList()).toBe("0-1");
    expect(Nodemask.fromHex("0x" + "0".repeat(200) + "1").toList()).toBe("0");
    expect(Nodemask.fromHex("3").toList()).toBe("0-1");
    expect(Nodemask.fromHex("ffffffff").toList()).toBe("0-31");
    expect(Nodemask.fromHex("0x8" + "0".repeat(8191)).toList()).toBe("32767");
    expect(reason(() => Nodemask.fromHex("0x1" + "0".repeat(8192)))).toEqual([abi.T_TOO_BIG, 2]);
    expect(reason(() => Nodemask.fromHex("1" + ",00000000".repeat(1024)))).toEqual([abi.T_TOO_BIG, 0]);
    expect(Nodemask.fromHex("00000000".concat(",00000000".repeat(1023), "\n")).isEmpty).toBe(true);
  });

  test.each([
    ["", "T_EMPTY", 0], ["0x", "T_EMPTY", 2], ["0xg", "T_CHAR", 2], ["deadbeef1", "T_CHUNK", 0],
    ["1,0000000", "T_CHUNK", 2], ["1,,00000000", "T_EMPTY_ITEM", 2], ["00000001,", "T_TRAILING_COMMA", 8],
    ["0x1,00000000", "T_CHAR", 3], ["12 34", "T_CHAR", 2], ["-1", "T_CHAR", 0],
  ] as const)("fromHex(%j) fails with %s at %i", (s, code, pos) => {
    expect(reason(() => Nodemask.fromHex(s))).toEqual([abi[code], pos]);
  });

  test("error messages say which format was expected", () => {
    expect(() => Nodemask.fromHex("0xg")).toThrow(/Cannot parse hex "0xg" as a hex mask: unexpected "g" at position 2/);
    expect(() => Nodemask.fromList("1,,2")).toThrow(/Cannot parse list "1,,2" as a node list: empty item at position 2/);
  });
});

describe("formats round-trip (fast-check, 10,000 runs)", () => {
  const masks = fc.oneof(
    fc.array(fc.integer({ min: 0, max: 32767 }), { maxLength: 40 }),
    fc.array(fc.integer({ min: 0, max: 200 }), { maxLength: 120 }),
    fc.tuple(fc.integer({ min: 0, max: 32000 }), fc.integer({ min: 0, max: 700 })).map(([a, n]) => Array.from({ length: n }, (_, i) => a + i)),
  ).map((ids) => Nodemask.of(...ids));

  test("list, hex and cpumap (any width that holds the mask) parse back to the same mask", () => {
    fc.assert(fc.property(masks, fc.integer({ min: 1, max: 32768 }), (m, bits) => {
      expect(Nodemask.fromList(m.toList()).equals(m)).toBe(true);
      expect(Nodemask.fromHex(m.toHex()).equals(m)).toBe(true);
      expect(Nodemask.fromHex(m.toCpumap()).equals(m)).toBe(true);
      expect(Nodemask.fromHex(m.toCpumap(bits)).equals(m)).toBe(true);
      expect(Nodemask.fromList(m.toList()).toArray()).toEqual(m.toArray());
    }), { numRuns: 10_000 });
  });

  test("set operations in Wasm agree with plain sets", () => {
    fc.assert(fc.property(masks, masks, (a, b) => {
      const sa = new Set(a.toArray()), sb = new Set(b.toArray());
      expect(a.union(b).toArray()).toEqual([...new Set([...sa, ...sb])].sort((x, y) => x - y));
      expect(a.intersect(b).toArray()).toEqual([...sa].filter((x) => sb.has(x)).sort((x, y) => x - y));
      expect(a.difference(b).toArray()).toEqual([...sa].filter((x) => !sb.has(x)).sort((x, y) => x - y));
      expect(a.equals(b)).toBe(a.toList() === b.toList());
      expect(a.size).toBe(sa.size);
    }), { numRuns: 10_000 });
  });
});
