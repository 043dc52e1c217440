// MPOL_F_RELATIVE_NODES and MPOL_F_STATIC_NODES reach the kernel and behave as the kernel
// documents when the allowed nodes change (kernel-mempolicy.md, "Policies are rebound when
// cpuset.mems changes"): the process starts in a cpuset with mems 0-1, which then grows to 0-3.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { bind, getPolicy, NumaError, refreshTopology } from "../../../../host/mod.ts";
import { type Cpuset, enterCpuset } from "../cpuset.ts";
import { page, placementOf, region, touch } from "../placement.ts";

const PAGES = 32;
let cs: Cpuset;
beforeAll(() => {
  cs = enterCpuset("0-1");
  expect(refreshTopology().memsAllowed.toList()).toBe("0-1");
});
afterAll(() => {
  cs.leave();
  refreshTopology();
});

describe("relative and static nodes in a cpuset with mems 0-1, then 0-3", () => {
  test("plain, static and relative policies fold and rebind as the kernel documents; pages follow", () => {
    const plain = region(PAGES), stat = region(PAGES), rel = region(PAGES);
    bind(plain, { mode: "bind", nodes: [1] });
    bind(stat, { mode: "bind", nodes: [1, 3], static: true });   // {1,3} ∩ allowed {0,1} = {1}
    bind(rel, { mode: "bind", nodes: [3], relative: true });     // 3 mod 2 = 1: the 2nd allowed node, 1
    expect(placementOf(plain).policies).toEqual(["bind:1"]);
    expect(placementOf(stat).policies).toEqual(["bind=static:1"]);
    expect(placementOf(rel).policies).toEqual(["bind=relative:1"]);
    // get_mempolicy reports the mask the caller gave for static and relative policies.
    expect(getPolicy(stat)).toMatchObject({ mode: "bind", static: true });
    expect(getPolicy(stat).nodes.toArray()).toEqual([1, 3]);
    expect(getPolicy(rel).nodes.toArray()).toEqual([3]);

    const half = (u8: Uint8Array, i: 0 | 1): Uint8Array => u8.subarray(i * (PAGES / 2) * page, (i + 1) * (PAGES / 2) * page);
    for (const r of [plain, stat, rel]) touch(half(r, 0));

    cs.setMems("0-3");
    for (const r of [plain, stat, rel]) touch(half(r, 1));
    // Plain: remapped by position, node 1 is still the 2nd allowed node. Static: the user mask
    // {1,3} now fits whole. Relative: node 3 is the 4th allowed node, itself.
    expect(placementOf(plain)).toMatchObject({ policies: ["bind:1"], perNode: { 1: PAGES } });
    const s = placementOf(stat);
    expect(s.policies).toEqual(["bind=static:1,3"]);
    expect(s.perNode[1]).toBeGreaterThanOrEqual(PAGES / 2);
    expect(Object.keys(s.perNode).every((n) => n === "1" || n === "3")).toBe(true);
    expect(placementOf(rel)).toMatchObject({ policies: ["bind=relative:3"], perNode: { 1: PAGES / 2, 3: PAGES / 2 } });
  });

  test("static nodes none of which is allowed now are refused with NumaError EINVAL before any syscall", () => {
    cs.setMems("0-1");
    refreshTopology();
    const r = region(8);
    let err: unknown;
    try { bind(r, { mode: "bind", nodes: [3], static: true }); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(NumaError);
    expect(err).toMatchObject({ code: "EINVAL", syscall: "validate" });
    expect(getPolicy(r).mode).toBe("default");
  });

  test("relative nodes past the allowed set are accepted: node 5 folds onto the 2nd allowed node", () => {
    const r = region(PAGES);
    bind(r, { mode: "bind", nodes: [5], relative: true });
    touch(r);
    expect(placementOf(r)).toMatchObject({ policies: ["bind=relative:1"], perNode: { 1: PAGES } });
  });
});
