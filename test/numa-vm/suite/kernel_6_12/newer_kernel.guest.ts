// What only a newer kernel does, checked on four real nodes (the bookworm-backports guest):
// weighted interleave with its sysfs weights (6.9+), preferred-many with balancing (6.10+),
// and -ENOENT for a page never touched (6.12).
import { readFileSync, writeFileSync } from "node:fs";
import { afterEach, describe, expect, test } from "vitest";
import { kernelAtLeast } from "../../../../host/core/system/mod.ts";
import { alloc, free, getPolicy, locate } from "../../../../host/mod.ts";
import { countNodes, interleaveNode, page, pageNumber, touch } from "../placement.ts";

if (!kernelAtLeast(6, 12)) throw new Error("These checks need the 6.12 guest: npm run test:numa -- --shape four_nodes_6_12");

const WEIGHTS = "/sys/kernel/mm/mempolicy/weighted_interleave";
const weight = (n: number, w: number) => writeFileSync(`${WEIGHTS}/node${n}`, String(w));

describe("weighted interleave, with the kernel's sysfs weights", () => {
  afterEach(() => { for (let n = 0; n < 4; n++) weight(n, 1); });

  test("weights 3:1 over nodes 0,1 place 64 pages 48:16, page by page as the kernel's walk says", () => {
    weight(0, 3); weight(1, 1);
    expect(readFileSync(`${WEIGHTS}/node0`, "utf8").trim()).toBe("3");
    const buf = alloc(64 * page, { mode: "weighted-interleave", nodes: [0, 1] });
    const u8 = new Uint8Array(buf);
    touch(u8);
    const at = [...locate(u8)];
    // target = vpn % (3 + 1); the first three targets are node 0's, the fourth node 1's.
    const vpn = pageNumber(u8);
    expect(at).toEqual(at.map((_, i) => ((vpn + i) % 4 < 3 ? 0 : 1)));
    expect(countNodes(at)).toEqual({ 0: 48, 1: 16 });
    expect(getPolicy(buf).mode).toBe("weighted-interleave");
    free(buf);
  });

  test("plain interleave over four nodes puts 16 of 64 pages on each", () => {
    const buf = alloc(64 * page, { mode: "interleave", nodes: "0-3" });
    const u8 = new Uint8Array(buf);
    touch(u8);
    const at = [...locate(u8)];
    expect(countNodes(at)).toEqual({ 0: 16, 1: 16, 2: 16, 3: 16 });
    expect(at).toEqual(at.map((_, i) => interleaveNode(pageNumber(u8) + i, [0, 1, 2, 3])));
    free(buf);
  });
});

describe("preferred-many with balancing (6.10+)", () => {
  test("is taken by the kernel, reported back with its flag, and places pages on its nodes", () => {
    const buf = alloc(32 * page, { mode: "preferred-many", nodes: [1, 2], balancing: true });
    expect(getPolicy(buf)).toMatchObject({ mode: "preferred-many", balancing: true });
    const u8 = new Uint8Array(buf);
    touch(u8);
    for (const n of locate(u8)) expect([1, 2]).toContain(n);
    free(buf);
  });
});

describe("a page never touched (6.12)", () => {
  test("locate() reports -ENOENT for each", () => {
    const buf = alloc(8 * page, { mode: "bind", nodes: [3] });
    expect([...locate(buf)]).toEqual(Array(8).fill(-2));
    free(buf);
  });
});
