// numactl nodestrings read in a cpuset whose memory nodes are 1 and 3 (a cgroup v2 cpuset in the
// guest), as the engine documents them (assembly/nodestring.ts): a plain node must be allowed,
// a range takes the allowed nodes inside it, "+N" is the N-th allowed node counting from 0,
// "!" inverts within the allowed nodes, "all" is the allowed set. Each result is then bound
// and touched, and locate() and numa_maps show the pages on exactly those nodes.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  bind, getPolicy, locate, Nodemask, NodestringError, NumaError, refreshTopology, topology,
} from "../../../../host/mod.ts";
import { type Cpuset, enterCpuset } from "../cpuset.ts";
import { countNodes, interleaveNode, pageNumber, placementOf, region, touch } from "../placement.ts";

const PAGES = 32;
const ALLOWED = [1, 3];
const context = { allowed: ALLOWED, configured: [0, 1, 2, 3] };

/** Nodestring → the nodes it stands for in a cpuset with mems 1,3. */
const CASES: [string, number[]][] = [
  ["+0-1", [1, 3]], ["+0,1", [1, 3]], ["+0", [1]], ["+1", [3]], ["!+1", [1]], ["!+0", [3]], ["!+0-1", []],
  ["1", [1]], ["3", [3]], ["1,3", [1, 3]], ["2-3", [3]], ["0-3", [1, 3]], ["all", [1, 3]], ["!1", [3]], ["!0-1", [3]],
];

/** Nodestrings refused in that cpuset: a node not allowed, not configured, or past the allowed count. */
const REFUSED: [string, RegExp][] = [
  ["0", /node 0 at position 0 is not allowed/], ["2", /node 2 at position 0 is not allowed/],
  ["4", /node 4 at position 0 is not configured/], ["+2", /relative node \+2 at position 1 needs at least 3 allowed nodes, and there are 2/],
  ["+0-2", /relative node \+2 .* needs at least 3 allowed nodes/],
];

let cs: Cpuset;
beforeAll(() => {
  cs = enterCpuset(ALLOWED.join(","));
  // Policies read nodestrings against the topology numabind last read: read it again.
  expect(refreshTopology().memsAllowed.toArray()).toEqual(ALLOWED);
});
afterAll(() => {
  cs.leave();
  expect(refreshTopology().memsAllowed.toList()).toBe("0-3");
});

describe("relative and static nodestrings in a cpuset with mems 1,3", () => {
  test.each(CASES)("%j is %j, with the context given and with this process's own", (s, nodes) => {
    expect(Nodemask.parse(s, context).toArray()).toEqual(nodes);
    expect(Nodemask.parse(s).toArray()).toEqual(nodes);
  });

  test.each(REFUSED)("%j is refused with a NodestringError that says why", (s, why) => {
    let err: unknown;
    try { Nodemask.parse(s, context); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(NodestringError);
    expect(err).toMatchObject({ code: "EINVAL", syscall: "validate" });
    expect((err as Error).message).toMatch(why);
  });

  // Single nodes as bind, pairs as interleave (bind over two nodes picks the nearer one to
  // the CPU that faults, which this test does not control; interleave is exact per page).
  test.each(CASES.filter(([, n]) => n.length > 0))("a policy with nodes %j puts every touched page on %j", (s, nodes) => {
    const r = region(PAGES);
    const mode = nodes.length === 1 ? "bind" : "interleave";
    bind(r, { mode, nodes: s });
    touch(r);
    expect(getPolicy(r).nodes.toArray()).toEqual(nodes);
    const want = Array.from({ length: PAGES }, (_, i) => interleaveNode(pageNumber(r) + i, nodes));
    expect([...locate(r)]).toEqual(want);
    const p = placementOf(r);
    expect(p.policies).toEqual([`${mode}:${Nodemask.of(...nodes).toList()}`]);
    expect(p.perNode).toEqual(countNodes(want));
  });

  test("an empty result and a node outside the cpuset are refused before any syscall; the policy stays", () => {
    const r = region(8);
    for (const nodes of ["!+0-1", "0"]) {
      let err: unknown;
      try { bind(r, { mode: "bind", nodes }); } catch (e) { err = e; }
      expect(err).toBeInstanceOf(NumaError);
      expect(err).toMatchObject({ code: "EINVAL", syscall: "validate" });
    }
    expect(getPolicy(r).mode).toBe("default");
    expect(topology().memsAllowed.toArray()).toEqual(ALLOWED);
  });
});
