// Every node of the guest takes pages: alloc() and bind() to each node, then touch, and both
// the kernel's numa_maps (pages per node) and locate() (move_pages, page by page) show every
// page on that node, and every page not yet touched as not resident.
import { describe, expect, test } from "vitest";
import { alloc, bind, free, getPolicy, locate } from "../../../../host/mod.ts";
import { guestShape } from "../guest_shape.ts";
import { page, placementOf, region, touch, UNTOUCHED } from "../placement.ts";

const nodes = Array.from({ length: guestShape().nodes }, (_, i) => i);
const PAGES = 64;

describe("alloc() and bind() to each node", () => {
  test.each(nodes)("alloc() bound to node %i puts every touched page on that node; locate() agrees page by page", (node) => {
    const buf = alloc(PAGES * page, { mode: "bind", nodes: [node] });
    // Nothing is placed before the first touch: the policy decides where pages fault in.
    expect(placementOf(buf).resident).toBe(0);
    expect([...locate(buf)]).toEqual(Array(PAGES).fill(UNTOUCHED));

    // The first half only: locate() tells touched from untouched pages one by one.
    const half = PAGES / 2;
    touch(new Uint8Array(buf, 0, half * page));
    expect([...locate(buf)]).toEqual([...Array(half).fill(node), ...Array(PAGES - half).fill(UNTOUCHED)]);
    expect(placementOf(buf).perNode).toEqual({ [node]: half });

    touch(buf);
    expect([...locate(buf)]).toEqual(Array(PAGES).fill(node));
    const p = placementOf(buf);
    expect(p.policies).toEqual([`bind:${node}`]);
    expect(p.perNode).toEqual({ [node]: PAGES });
    const got = getPolicy(buf);
    expect(got.mode).toBe("bind");
    expect(got.nodes.toArray()).toEqual([node]);
    free(buf);
  });

  test.each(nodes)("bind() of untouched memory to node %i, then touch: every page lands on that node", (node) => {
    const r = region(PAGES);
    bind(r, { mode: "bind", nodes: [node] });
    expect([...locate(r)]).toEqual(Array(PAGES).fill(UNTOUCHED));
    touch(r);
    expect([...locate(r)]).toEqual(Array(PAGES).fill(node));
    const p = placementOf(r);
    expect(p.policies).toEqual([`bind:${node}`]);
    expect(p.perNode).toEqual({ [node]: PAGES });
  });

  test.each(nodes)("preferred node %i with plenty of free memory there: every page lands on it", (node) => {
    const r = region(PAGES);
    bind(r, { mode: "preferred", nodes: [node] });
    touch(r);
    expect([...locate(r)]).toEqual(Array(PAGES).fill(node));
    const p = placementOf(r);
    expect(p.policies).toEqual([`prefer:${node}`]);
    expect(p.perNode).toEqual({ [node]: PAGES });
  });
});
