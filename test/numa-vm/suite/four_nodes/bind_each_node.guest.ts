// Every node of the guest takes pages: alloc() and bind() to each node, then touch, and the
// kernel's numa_maps shows every page on that node.
import { describe, expect, test } from "vitest";
import { alloc, bind, free, getPolicy } from "../../../../host/mod.ts";
import { guestShape } from "../guest_shape.ts";
import { page, placementOf, region, touch } from "../placement.ts";

const nodes = Array.from({ length: guestShape().nodes }, (_, i) => i);
const PAGES = 64;

describe("alloc() and bind() to each node", () => {
  test.each(nodes)("alloc() bound to node %i puts every touched page on that node", (node) => {
    const buf = alloc(PAGES * page, { mode: "bind", nodes: [node] });
    // Nothing is placed before the first touch: the policy decides where pages fault in.
    expect(placementOf(buf).resident).toBe(0);
    touch(buf);
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
    touch(r);
    const p = placementOf(r);
    expect(p.policies).toEqual([`bind:${node}`]);
    expect(p.perNode).toEqual({ [node]: PAGES });
  });

  test.each(nodes)("preferred node %i with plenty of free memory there: every page lands on it", (node) => {
    const r = region(PAGES);
    bind(r, { mode: "preferred", nodes: [node] });
    touch(r);
    const p = placementOf(r);
    expect(p.policies).toEqual([`prefer:${node}`]);
    expect(p.perNode).toEqual({ [node]: PAGES });
  });
});
