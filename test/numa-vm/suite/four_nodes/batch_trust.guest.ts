// Issue 6's guarantees where the one-node host cannot show them: an atomic batch that meets a
// real EIO (strict, without move, on pages resident on another node) rolls every applied op
// back; and verify() reports pages that sit on a node their policy does not allow.
import { describe, expect, test } from "vitest";
import {
  bindBatch, type BindRequest, getPolicy, locate, movePages, type Policy, verify,
} from "../../../../host/mod.ts";
import { addressOf } from "../../../helpers/maps.ts";
import { page, placementOf, region, touch } from "../placement.ts";

const q = 16;

describe("atomic bindBatch on a real EIO", () => {
  test("rolls back the ops applied before the EIO: every page's prior policy is back and no page moved", () => {
    const r = region(4 * q);
    const seg = (k: number): Uint8Array => r.subarray(k * q * page, (k + 1) * q * page);
    // Different prior policies, all placing on node 0, so restoring each exactly is visible.
    const prior: Policy[] = [
      { mode: "bind", nodes: [0], static: true }, { mode: "preferred", nodes: [0] },
      { mode: "bind", nodes: [0] }, { mode: "interleave", nodes: [0], relative: true },
    ];
    expect(bindBatch(prior.map((policy, k) => ({ target: seg(k), policy }))).ok).toBe(true);
    touch(r);
    expect([...locate(r)]).toEqual(Array(4 * q).fill(0));
    const before = Array.from({ length: 4 * q }, (_, i) => getPolicy(addressOf(r) + BigInt(i * page)));
    const mapsBefore = [0, 1, 2, 3].map((k) => placementOf(seg(k)).policies);

    // Ops run in address order: segments 0 and 1 are applied, segment 2 fails with EIO.
    const requests: BindRequest[] = [
      { target: seg(0), policy: { mode: "bind", nodes: [1] } },
      { target: seg(1), policy: { mode: "interleave", nodes: [1, 3] } },
      { target: seg(2), policy: { mode: "bind", nodes: [2] }, flags: { strict: true } },
      { target: seg(3), policy: { mode: "bind", nodes: [3] } },
    ];
    const res = bindBatch(requests, { atomic: true });
    expect(res).toMatchObject({ ok: false, rolledBack: true, restoreFailed: [] });
    expect(res.failed[0]).toMatchObject({ index: 2, code: "EIO", errno: 5 });

    for (let i = 0; i < 4 * q; i++) {
      const now = getPolicy(addressOf(r) + BigInt(i * page));
      expect({ ...now, nodes: now.nodes.toArray() }, `page ${i}`).toEqual({ ...before[i], nodes: before[i]!.nodes.toArray() });
    }
    expect([0, 1, 2, 3].map((k) => placementOf(seg(k)).policies)).toEqual(mapsBefore);
    expect([...locate(r)]).toEqual(Array(4 * q).fill(0));
    expect(verify(res).ok).toBe(true);
  });
});

describe("verify() against real placement", () => {
  test("a bound and touched buffer verifies; after movePages elsewhere, every moved page is a placement mismatch", () => {
    const r = region(2 * q);
    const res = bindBatch([{ target: r, policy: { mode: "bind", nodes: [2] } }]);
    touch(r);
    expect([...locate(r)]).toEqual(Array(2 * q).fill(2));
    expect(verify(res)).toMatchObject({ ok: true, mismatches: [] });

    // Half the pages go to node 1 behind the policy's back (move_pages ignores the VMA policy).
    movePages(r.subarray(0, q * page), 1);
    expect([...locate(r)]).toEqual([...Array(q).fill(1), ...Array(q).fill(2)]);
    const v = verify(res);
    expect(v.ok).toBe(false);
    expect(v.mismatches).toEqual([expect.objectContaining({ kind: "placement", pages: q })]);
    expect(v.mismatches[0]).toMatchObject({ expected: "nodes 2", actual: "node 1", range: { addr: addressOf(r), length: BigInt(q * page) } });
    // Policy and numa_maps still agree with the plan: only placement differs.
    expect(verify(res, { pages: false }).ok).toBe(true);
  });

  test("interleave over 1,3 verifies with touched pages on both nodes, and a page moved to node 0 does not", () => {
    const r = region(2 * q);
    const res = bindBatch([{ target: r, policy: { mode: "interleave", nodes: [1, 3] } }]);
    touch(r);
    expect(new Set(locate(r))).toEqual(new Set([1, 3]));
    expect(verify(res).ok).toBe(true);
    movePages(r.subarray(0, page), 0);
    expect(verify(res).mismatches).toEqual([expect.objectContaining({ kind: "placement", pages: 1, expected: "nodes 1,3", actual: "node 0" })]);
  });
});
