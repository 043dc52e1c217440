// Kernel interleave, page by page. For anonymous memory the kernel picks a page's node from its
// interleave index, vm_pgoff + its page offset in the mapping, which for a private anonymous
// mapping is the page's absolute virtual page number (kernel-mempolicy.md section 7): page
// number v goes to the (v mod count)-th node of the mask. So every page's node is predictable
// from its address, and locate() must match the prediction exactly, not just in proportion.
// Kernels before 6.7 cut the index to 32 bits first (placement.ts interleaveNode): with 3
// nodes that shifts every page, which the 6.1 guest shows.
import { describe, expect, test } from "vitest";
import { kernelAtLeast } from "../../../../host/core/system/mod.ts";
import { alloc, bind, bindBatch, getPolicy, locate, Nodemask } from "../../../../host/mod.ts";
import { guestShape } from "../guest_shape.ts";
import {
  alignedRegion, countNodes, interleaveNode, page, pageNumber, placementOf, region, touch,
} from "../placement.ts";

const nodes = Array.from({ length: guestShape().nodes }, (_, i) => i);

/** The node of each of `count` pages starting at absolute page number `first`. */
const predict = (first: number, count: number, mask: readonly number[]): number[] =>
  Array.from({ length: count }, (_, i) => interleaveNode(first + i, mask));

describe("interleave, checked page by page", () => {
  // alloc() maps without guard pages: two interleave:0-3 buffers mapped one after the other
  // would merge in numa_maps, so this is one test.
  test("alloc() interleaved over 0-3: 256 pages split exactly 64 per node, page v on node v mod 4", () => {
    const n = 256;
    const buf = alloc(n * page, { mode: "interleave", nodes });
    touch(buf);
    const want = predict(pageNumber(buf), n, nodes);
    expect([...locate(buf)]).toEqual(want);
    const p = placementOf(buf);
    expect(p.policies).toEqual([`interleave:0-${nodes.length - 1}`]);
    expect(p.perNode).toEqual(Object.fromEntries(nodes.map((k) => [k, n / nodes.length])));
    expect(getPolicy(buf).nodes.toArray()).toEqual(nodes);
  });

  // 100 pages do not divide by 3 (or by 4): how many each node gets depends on where the region
  // starts, and the prediction has to get that right too. Three nodes also tell a 32-bit
  // interleave index from a 64-bit one; powers of two cannot.
  test.each([[[0, 1, 2, 3]], [[1, 3]], [[0, 2, 3]], [[1, 2, 3]], [[2]]])(
    "bind() interleave over %j on 100 pages: each page on the (page number mod count)-th node", (mask) => {
      const n = 100;
      const r = region(n);
      bind(r, { mode: "interleave", nodes: mask });
      touch(r);
      const want = predict(pageNumber(r), n, mask);
      expect([...locate(r)]).toEqual(want);
      const p = placementOf(r);
      expect(p.policies).toEqual([`interleave:${Nodemask.of(...mask).toList()}`]);
      expect(p.perNode).toEqual(countNodes(want));
    });

  test("over 3 nodes the interleave index is the page number cut to 32 bits before 6.7, the whole page number from 6.7", () => {
    const n = 30, mask = [0, 2, 3];
    const r = region(n);
    const first = pageNumber(r);
    const full = Array.from({ length: n }, (_, i) => mask[(first + i) % 3]!);
    const cut = Array.from({ length: n }, (_, i) => mask[((first + i) % 2 ** 32) % 3]!);
    // User mappings sit near the top of the 47-bit space (page numbers of 2^35 and more), so
    // the two rules disagree unless (page number >> 32) happens to be a multiple of 3.
    expect(Math.floor(first / 2 ** 32) % 3).not.toBe(0);
    expect(cut).not.toEqual(full);
    bind(r, { mode: "interleave", nodes: mask });
    touch(r);
    expect([...locate(r)]).toEqual(kernelAtLeast(6, 7) ? full : cut);
  });

  test("interleave on a sub-range counts pages from address 0, not from the start of the range", () => {
    // A region starting on a multiple of 4 pages, interleaved from its 5th page on: counted from
    // the range, page i would go to node i mod 4; counted from address 0 it goes to (5 + i) mod 4.
    const r = alignedRegion(64, 4);
    const from = 5, n = 40;
    const sub = r.subarray(from * page, (from + n) * page);
    const fromRange = predict(0, n, nodes);
    const want = predict(pageNumber(sub), n, nodes);
    expect(want).not.toEqual(fromRange);
    const res = bindBatch([{ target: sub, policy: { mode: "interleave", nodes } }]);
    expect(res.ok).toBe(true);
    touch(r);
    const status = [...locate(r)];
    expect(status.slice(from, from + n)).toEqual(want);
    // The pages around it keep the default policy (they went to whichever node the test thread
    // ran on), and the interleaved mapping is exactly the sub-range.
    const entry = placementOf(sub);
    expect(entry.policies).toEqual([`interleave:0-${nodes.length - 1}`]);
    expect(entry.perNode).toEqual(countNodes(want));
    expect(status.every((s) => s >= 0)).toBe(true);
  });

  test("interleave over the non-adjacent nodes 1 and 3 splits 128 pages 64:64 and uses no other node", () => {
    const r = region(128);
    const res = bindBatch([{ target: r, policy: { mode: "interleave", nodes: [1, 3] } }]);
    expect(res.ok).toBe(true);
    touch(r);
    const p = placementOf(r);
    expect(p.policies).toEqual(["interleave:1,3"]);
    expect(p.perNode).toEqual({ 1: 64, 3: 64 });
    expect([...locate(r)]).toEqual(predict(pageNumber(r), 128, [1, 3]));
  });
});
