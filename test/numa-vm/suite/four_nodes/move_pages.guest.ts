// movePages() on touched pages, checked page by page with locate() before and after and in
// count with numa_maps; and the kernel's refusals: a node outside the cpuset (EACCES) and a
// node that is not online (ENODEV).
import { describe, expect, test } from "vitest";
import {
  createNumabind, locate, movePages, NumaError, openBackend, refreshTopology,
} from "../../../../host/mod.ts";
import { enterCpuset } from "../cpuset.ts";
import { guestShape } from "../guest_shape.ts";
import { countNodes, page, placementOf, touch, unpoliciedRegion, UNTOUCHED } from "../placement.ts";

const nodes = Array.from({ length: guestShape().nodes }, (_, i) => i);
const PAGES = 64;

/** A region with no policy whose first `touched` pages are resident, all moved to node 0. */
function onNode0(touched = PAGES): Uint8Array {
  const r = unpoliciedRegion(PAGES);
  touch(r.subarray(0, touched * page));
  const moved = movePages(r, 0);
  const want = [...Array(touched).fill(0), ...Array(PAGES - touched).fill(UNTOUCHED)];
  expect([...moved]).toEqual(want);
  expect([...locate(r)]).toEqual(want);
  expect(placementOf(r).perNode).toEqual({ 0: touched });
  return r;
}

function thrown(f: () => unknown): unknown {
  try { f(); } catch (e) { return e; }
  return undefined;
}

describe("movePages() on a multi-node kernel", () => {
  test("moves every touched page to the node of its choice, page by page, and untouched pages stay unplaced", () => {
    const touched = 48;
    const r = onNode0(touched);
    // A layout no policy would produce: page i to node (i*i + i/8) mod 4.
    const to = Array.from({ length: PAGES }, (_, i) => (i * i + (i >> 3)) % nodes.length);
    const status = movePages(r, to);
    const want = to.map((n, i) => (i < touched ? n : UNTOUCHED));
    expect([...status]).toEqual(want);
    expect([...locate(r)]).toEqual(want);
    const p = placementOf(r);
    expect(p.policies).toEqual(["default"]);
    expect(p.perNode).toEqual(countNodes(want));
    expect(new Set(want.filter((n) => n >= 0))).toEqual(new Set(nodes));
  });

  test("moving a sub-range moves those pages only", () => {
    const r = onNode0();
    const from = 10, n = 20;
    expect([...movePages(r.subarray(from * page, (from + n) * page), nodes.length - 1)]).toEqual(Array(n).fill(nodes.length - 1));
    const want = Array.from({ length: PAGES }, (_, i) => (i >= from && i < from + n ? nodes.length - 1 : 0));
    expect([...locate(r)]).toEqual(want);
    expect(placementOf(r).perNode).toEqual(countNodes(want));
  });

  test("a node that is not online is refused with NumaError ENODEV, and no page moves", () => {
    const r = onNode0();
    const err = thrown(() => movePages(r, 7));
    expect(err).toBeInstanceOf(NumaError);
    expect(err).toMatchObject({ code: "ENODEV", errno: 19 });
    expect([...locate(r)]).toEqual(Array(PAGES).fill(0));
  });

  test("a node outside the cpuset is refused with NumaError EACCES, as the kernel itself answers, and no page moves", () => {
    const last = nodes.length - 1;
    // An instance whose topology was read before the cpuset shrank sends the move to the
    // kernel, so the kernel's own answer is checked, not only numabind's check in front of it.
    const stale = createNumabind(openBackend());
    expect(stale.topology().memsAllowed.has(last)).toBe(true);
    const cs = enterCpuset(`0-${last - 1}`);
    try {
      expect(refreshTopology().memsAllowed.has(last)).toBe(false);
      const r = onNode0();
      const ours = thrown(() => movePages(r, last));
      expect(ours).toBeInstanceOf(NumaError);
      expect(ours).toMatchObject({ code: "EACCES", errno: 13, arg: "to" });
      expect((ours as Error).message).toMatch(/Mems_allowed/);

      const kernels = thrown(() => stale.movePages(r, last));
      expect(kernels).toBeInstanceOf(NumaError);
      expect(kernels).toMatchObject({ code: "EACCES", errno: 13, syscall: "move_pages" });

      expect([...locate(r)]).toEqual(Array(PAGES).fill(0));

      // One page for the forbidden node in the middle of a call: the kernel checks each page's
      // node as it walks the list, moves the pages it queued before that one, then fails the
      // call with EACCES (mm/migrate.c do_pages_move: out_flush). Not all-or-nothing.
      const bad = 32;
      const mixed = Array.from({ length: PAGES }, (_, i) => (i === bad ? last : 1));
      expect(thrown(() => stale.movePages(r, mixed))).toMatchObject({ code: "EACCES", syscall: "move_pages" });
      const want = Array.from({ length: PAGES }, (_, i) => (i < bad ? 1 : 0));
      expect([...locate(r)]).toEqual(want);
      expect(placementOf(r).perNode).toEqual(countNodes(want));
    } finally {
      cs.leave();
      refreshTopology();
    }
  });
});
