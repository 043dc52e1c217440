// The placement check: pure rules on counts, and the read-back from the kernel, including a
// row deliberately checked against the wrong node.
import { describe, expect, test } from "vitest";
import { checkPlacement } from "../../host/bench/mod.ts";
import { MOST_SHARE } from "../../host/bench/placement_check.ts";
import { residentPages } from "../../host/bench/placement_read.ts";
import { alloc, free, topology } from "../../host/mod.ts";

const page = topology().pageSize;

describe("checkPlacement()", () => {
  test("checkPlacement() accepts pages all on the expected node", () => {
    expect(checkPlacement({ 0: 512 }, { nodes: [0], spread: false })).toEqual({ ok: true });
  });

  test("checkPlacement() refuses a page outside the node when every page must be there", () => {
    const r = checkPlacement({ 0: 511, 1: 1 }, { nodes: [0], spread: false });
    expect(r.ok).toBe(false);
    expect(r.reason).toBe("1 of 512 pages are outside node 0 (1 on node 1); the policy asks for every page on node 0");
  });

  test("checkPlacement() allows a few pages elsewhere with the MOST_SHARE rule, not many", () => {
    expect(checkPlacement({ 0: 990, 1: 10 }, { nodes: [0], spread: false }, MOST_SHARE).ok).toBe(true);
    const r = checkPlacement({ 0: 900, 1: 100 }, { nodes: [0], spread: false }, MOST_SHARE);
    expect(r.ok).toBe(false);
    expect(r.reason).toMatch(/at least 95% of them on node 0/);
  });

  test("checkPlacement() wants an interleave spread over every node", () => {
    expect(checkPlacement({ 0: 500, 1: 524 }, { nodes: [0, 1], spread: true }).ok).toBe(true);
    const r = checkPlacement({ 0: 1000, 1: 24 }, { nodes: [0, 1], spread: true });
    expect(r).toEqual({ ok: false, reason: "node 1 holds 24 of 1024 pages; spread over nodes 0,1 each should hold about 512" });
    // Not spread: the same counts are fine.
    expect(checkPlacement({ 0: 1000, 1: 24 }, { nodes: [0, 1], spread: false }).ok).toBe(true);
  });

  test("checkPlacement() weighs a weighted-interleave spread by the kernel's weights", () => {
    const expect2 = { nodes: [0, 1], spread: true };
    // Weights 3:1 put 768 and 256 pages of 1024 on the two nodes.
    expect(checkPlacement({ 0: 768, 1: 256 }, expect2, 1, { 0: 3, 1: 1 }).ok).toBe(true);
    expect(checkPlacement({ 0: 1000, 1: 24 }, expect2, 1, { 0: 3, 1: 1 })).toEqual({
      ok: false, reason: "node 1 holds 24 of 1024 pages; spread over nodes 0,1 by weights 0:3 1:1, node 1 should hold about 256",
    });
    // 1:3 puts the most on node 1, so node 0 may hold few.
    expect(checkPlacement({ 0: 200, 1: 824 }, expect2, 1, { 0: 1, 1: 3 }).ok).toBe(true);
  });

  test("checkPlacement() says so when nothing is resident", () => {
    expect(checkPlacement({}, { nodes: [0], spread: false }).reason).toMatch(/no resident pages/);
    expect(() => checkPlacement({ 0: 1 }, { nodes: [], spread: false })).toThrow(RangeError);
  });
});

describe("residentPages()", () => {
  test("residentPages() counts a bound, touched buffer on its node, from numa_maps", () => {
    const buf = alloc(64 * page, { mode: "bind", nodes: [0] });
    try {
      new Uint8Array(buf).fill(1);
      expect(residentPages([buf])).toMatchObject({ pages: 64, pagesPerNode: { 0: 64 } });
    } finally {
      free(buf);
    }
  });

  test("residentPages() counts three adjacent buffers the kernel merged into one mapping", () => {
    const bufs = [0, 1, 2].map(() => alloc(16 * page, { mode: "bind", nodes: [0] }));
    try {
      for (const b of bufs) new Uint8Array(b).fill(1);
      expect(residentPages(bufs).pages).toBe(48);
    } finally {
      for (const b of bufs) free(b);
    }
  });

  test("a buffer bound to node 0 but checked against node 1 is marked not ok", () => {
    const buf = alloc(32 * page, { mode: "bind", nodes: [0] });
    try {
      new Uint8Array(buf).fill(1);
      const found = residentPages([buf]);
      const r = checkPlacement(found.pagesPerNode, { nodes: [1], spread: false });
      expect(r.ok).toBe(false);
      expect(r.reason).toBe("32 of 32 pages are outside node 1 (32 on node 0); the policy asks for every page on node 1");
    } finally {
      free(buf);
    }
  });
});
