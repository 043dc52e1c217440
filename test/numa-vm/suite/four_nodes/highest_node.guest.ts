// The top node must survive the trip to the kernel: mbind reads maxnode - 1 bits, so passing
// the node count instead of words * 64 + 1 silently drops the highest node.
import { describe, expect, test } from "vitest";
import { openFfiRs } from "../../../../host/backends/ffi_rs/mod.ts";
import { createNumabind, openBackend, topology } from "../../../../host/mod.ts";
import { guestShape } from "../guest_shape.ts";
import { placementOf, region, touch } from "../placement.ts";

const top = guestShape().nodes - 1;
const paths = [
  { name: "the batch shim", nb: () => createNumabind(openBackend()), backend: /shim/ },
  { name: "one syscall per op (NUMABIND_NO_SHIM=1)", nb: () => createNumabind(openFfiRs({ NUMABIND_NO_SHIM: "1" }).backend!), backend: /^ffi-rs$/ },
];

describe("the highest node with a one-word mask", () => {
  test("the kernel's nodemask is wider than the one 64-bit word numabind passes for these nodes", () => {
    expect(topology().maxNode).toBe(top);
    expect(topology().nodemaskBits).toBeGreaterThan(64);
  });

  test.each(paths)(`node ${top} alone is reachable through $name`, ({ nb, backend }) => {
    const n = nb();
    expect(n.available()).toMatchObject({ ok: true, backend: expect.stringMatching(backend) });
    const buf = region(32, n);
    n.bind(buf, { mode: "bind", nodes: [top] });
    touch(buf);
    expect(n.getPolicy(buf).nodes.toArray()).toEqual([top]);
    expect(placementOf(buf)).toMatchObject({ policies: [`bind:${top}`], perNode: { [top]: 32 } });
  });

  test.each(paths)(`interleave 0-${top} through $name keeps node ${top} in the kernel's mask`, ({ nb }) => {
    const n = nb();
    const all = Array.from({ length: top + 1 }, (_, i) => i);
    const buf = region(8 * (top + 1), n);
    n.bind(buf, { mode: "interleave", nodes: all });
    touch(buf);
    expect(n.getPolicy(buf).nodes.toArray()).toEqual(all);
    expect(placementOf(buf).perNode[top]).toBe(8);
  });
});
