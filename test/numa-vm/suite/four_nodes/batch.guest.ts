// bindBatch() on a multi-node kernel: a batch of four quarters, one node each; and a batch
// that meets a real EIO part way (strict, without move, on pages that sit on another node).
import { describe, expect, test } from "vitest";
import { bindBatch, type BindRequest, getPolicy, locate } from "../../../../host/mod.ts";
import { addressOf } from "../../../helpers/maps.ts";
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
    expect([...locate(r)]).toEqual(nodes.flatMap((n) => Array(q).fill(n)));
    for (const n of nodes) {
      const p = placementOf(quarter(n));
      expect(p.policies).toEqual([`bind:${n}`]);
      expect(p.perNode).toEqual({ [n]: q });
    }
    expect(placementOf(r).perNode).toEqual(Object.fromEntries(nodes.map((n) => [n, q])));
  });
});

describe("a batch that meets a real EIO part way (strict without move on misplaced pages)", () => {
  const q = 16;

  /** Four segments of q pages, every page resident on node 0 under bind:0, and the batch. */
  function setup(): { r: Uint8Array; seg: (k: number) => Uint8Array; requests: BindRequest[] } {
    const r = region(4 * q);
    bindBatch([{ target: r, policy: { mode: "bind", nodes: [0] } }]);
    touch(r);
    expect([...locate(r)]).toEqual(Array(4 * q).fill(0));
    const seg = (k: number): Uint8Array => r.subarray(k * q * page, (k + 1) * q * page);
    // Out of address order, so the index reported is the caller's and not the op's. Every
    // request has its own policy, so none coalesces and each is one op.
    const requests: BindRequest[] = [
      { target: seg(3), policy: { mode: "bind", nodes: [3] } },
      { target: seg(0), policy: { mode: "bind", nodes: [1] } },
      { target: seg(2), policy: { mode: "bind", nodes: [2] }, flags: { strict: true } },
      { target: seg(1), policy: { mode: "interleave", nodes: [1, 2] } },
    ];
    return { r, seg, requests };
  }

  test("bindBatch stops at the EIO: earlier ops stay applied, the failing request index is exact, later ops never run", () => {
    const { r, seg, requests } = setup();
    const res = bindBatch(requests);
    expect(res).toMatchObject({ ok: false, ops: 4, syscalls: 3, applied: 2, rolledBack: false });
    expect(res.failed).toHaveLength(1);
    expect(res.failed[0]).toMatchObject({ index: 2, errno: 5, code: "EIO" });
    expect(res.failed[0]!.op.addr).toBe(addressOf(seg(2)));
    expect(res.failed[0]!.message).toMatch(/^Cannot bind requests\[2\]/);

    // The kernel's word: the two ops below the failing one took effect, the failing one and
    // the one above it did not (segments 2 and 3 are still the one bind:0 mapping), and no page
    // moved (none of the ops had move).
    expect(placementOf(seg(0))).toMatchObject({ policies: ["bind:1"], perNode: { 0: q } });
    expect(placementOf(seg(1))).toMatchObject({ policies: ["interleave:1-2"], perNode: { 0: q } });
    expect(placementOf(r.subarray(2 * q * page))).toMatchObject({ policies: ["bind:0"], perNode: { 0: 2 * q } });
    expect(getPolicy(seg(2)).nodes.toArray()).toEqual([0]);
    expect(getPolicy(seg(3)).nodes.toArray()).toEqual([0]);
    expect([...locate(r)]).toEqual(Array(4 * q).fill(0));
  });

  test("with continueOnError the op after the EIO is applied too, and only the strict request fails", () => {
    const { r, seg, requests } = setup();
    const res = bindBatch(requests, { continueOnError: true });
    expect(res).toMatchObject({ ok: false, ops: 4, syscalls: 4, applied: 3, rolledBack: false });
    expect(res.failed.map((f) => [f.index, f.code])).toEqual([[2, "EIO"]]);
    expect(placementOf(seg(2))).toMatchObject({ policies: ["bind:0"], perNode: { 0: q } });
    expect(placementOf(seg(3))).toMatchObject({ policies: ["bind:3"], perNode: { 0: q } });
    expect([...locate(r)]).toEqual(Array(4 * q).fill(0));
  });
});
