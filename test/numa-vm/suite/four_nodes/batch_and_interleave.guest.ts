// Spreading one buffer over nodes: a batch of four quarters, and kernel interleave.
import { describe, expect, test } from "vitest";
import { alloc, bindBatch, getPolicy, type BindRequest } from "../../../../host/mod.ts";
import { guestShape } from "../guest_shape.ts";
import { page, placementOf, region, touch } from "../placement.ts";

const nodes = Array.from({ length: guestShape().nodes }, (_, i) => i);

describe("one buffer over several nodes", () => {
  test("one bindBatch sends the four quarters of a buffer to nodes 0-3, one node each", () => {
    const q = 32;
    const r = region(nodes.length * q);
    const quarter = (n: number): Uint8Array => r.subarray(n * q * page, (n + 1) * q * page);
    // Given last to first: the planner orders them by address.
    const requests = nodes.map((n): BindRequest => ({ target: quarter(n), policy: { mode: "bind", nodes: [n] } })).reverse();
    const res = bindBatch(requests);
    expect(res).toMatchObject({ ok: true, ops: nodes.length, syscalls: nodes.length, applied: nodes.length, failed: [] });
    touch(r);
    for (const n of nodes) {
      const p = placementOf(quarter(n));
      expect(p.policies).toEqual([`bind:${n}`]);
      expect(p.perNode).toEqual({ [n]: q });
    }
    expect(placementOf(r).perNode).toEqual(Object.fromEntries(nodes.map((n) => [n, q])));
  });

  // The kernel picks an anonymous page's interleave node from its absolute virtual page number
  // modulo the node count, so a run of pages that is a multiple of the count splits exactly.
  test("interleave over 0-3 spreads 256 pages exactly evenly, 64 on each node", () => {
    const n = 256;
    const buf = alloc(n * page, { mode: "interleave", nodes });
    touch(buf);
    const p = placementOf(buf);
    expect(p.policies).toEqual([`interleave:0-${nodes.length - 1}`]);
    expect(p.perNode).toEqual(Object.fromEntries(nodes.map((k) => [k, n / nodes.length])));
    expect(getPolicy(buf).nodes.toArray()).toEqual(nodes);
  });

  test("interleave over the non-adjacent nodes 1 and 3 splits 128 pages 64:64 and uses no other node", () => {
    const r = region(128);
    const res = bindBatch([{ target: r, policy: { mode: "interleave", nodes: [1, 3] } }]);
    expect(res.ok).toBe(true);
    touch(r);
    const p = placementOf(r);
    expect(p.policies).toEqual(["interleave:1,3"]);
    expect(p.perNode).toEqual({ 1: 64, 3: 64 });
  });
});
