// The thread (task) policy on a multi-node kernel: set with setThreadPolicy() in this test
// process, it places this thread's fresh memory and is inherited by a child process started
// afterwards (fork copies it, execve keeps it). Every guest file shares one worker process, so
// the policy is put back to default after each test.
import { afterEach, describe, expect, test } from "vitest";
import { getThreadPolicy, locate, setThreadPolicy } from "../../../../host/mod.ts";
import { runChild } from "../../../helpers/child.ts";
import { countNodes, interleaveNode, pageNumber, placementOf, touch, unpoliciedRegion } from "../placement.ts";

const PAGES = 64;
const MASK = [1, 3];

describe("the thread policy", () => {
  afterEach(() => {
    setThreadPolicy({ mode: "default" });
    expect(getThreadPolicy().mode).toBe("default");
  });

  test("interleave over 1,3 set on this thread places its fresh memory page by page; numa_maps prints the task's policy", () => {
    expect(getThreadPolicy().mode).toBe("default");
    setThreadPolicy({ mode: "interleave", nodes: MASK });
    const r = unpoliciedRegion(PAGES);
    touch(r);
    const want = Array.from({ length: PAGES }, (_, i) => interleaveNode(pageNumber(r) + i, MASK));
    expect([...locate(r)]).toEqual(want);
    expect(placementOf(r)).toMatchObject({ policies: ["interleave:1,3"], perNode: countNodes(want) });
  });

  test("a child process started afterwards inherits it across fork and exec: its getThreadPolicy() and its fresh pages show it", () => {
    setThreadPolicy({ mode: "interleave", nodes: MASK });
    const c = runChild(`
      const page = nb.topology().pageSize, pages = ${PAGES};
      const ab = nb.alloc((pages + 2) * page, { mode: "default" });
      nb.bind(new Uint8Array(ab, 0, page), { mode: "bind", nodes: [0] });
      nb.bind(new Uint8Array(ab, (pages + 1) * page, page), { mode: "bind", nodes: [0] });
      const r = new Uint8Array(ab, page, pages * page);
      for (let i = 0; i < r.length; i += page) r[i] = 1;
      const start = nb.numabind.backend.addressOf(r), end = start + BigInt(r.length);
      const p = nb.getThreadPolicy();
      report({
        policy: { mode: p.mode, nodes: p.nodes.toArray() },
        first: Number(start / BigInt(page)),
        status: [...nb.locate(r)],
        maps: nb.numaMaps().filter((e) => e.end !== undefined && e.start < end && e.end > start)
          .map((e) => ({ inside: e.start >= start && e.end <= end, policy: e.policy, perNode: e.pagesPerNode })),
      });`, { timeoutMs: 120_000 });
    expect(c.stderr).toBe("");
    expect(c.status).toBe(0);
    const got = c.result as { policy: unknown; first: number; status: number[]; maps: { inside: boolean; policy: string; perNode: Record<string, number> }[] };
    expect(got.policy).toEqual({ mode: "interleave", nodes: MASK });
    const want = Array.from({ length: PAGES }, (_, i) => interleaveNode(got.first + i, MASK));
    expect(got.status).toEqual(want);
    expect(got.maps).toEqual([{ inside: true, policy: "interleave:1,3", perNode: countNodes(want) }]);
  });
});
