// Where a worker for a node runs and takes memory from, on topologies this host does not have
// (planPlacement reads only the topology it is given): a CPU-less node like CXL memory, a
// memory-less node, ties, and the impossible.
import { describe, expect, test } from "vitest";
import { Nodemask, NumaError, planPlacement, type Topology } from "../../host/mod.ts";

/** A topology of nodes with these CPUs and memory, and these distances (row per node). */
function topo(nodes: { cpus: number[]; mem: boolean }[], dist: number[][]): Topology {
  const ids = nodes.map((_, i) => i);
  return {
    nodes: nodes.map((n, i) => ({ id: i, cpus: n.cpus, memTotal: n.mem ? 1 << 30 : 0, memFree: n.mem ? 1 << 29 : 0, distances: Object.fromEntries(dist[i]!.map((d, j) => [j, d])) })),
    online: Nodemask.of(...ids), possible: Nodemask.of(...ids),
    withMemory: Nodemask.of(...ids.filter((i) => nodes[i]!.mem)), withCpus: Nodemask.of(...ids.filter((i) => nodes[i]!.cpus.length)),
    memsAllowed: Nodemask.of(...ids.filter((i) => nodes[i]!.mem)), maxNode: ids.length - 1, nodemaskBits: 64, pageSize: 4096,
  };
}

// Nodes 0 and 1: CPUs and memory. Node 2: CPUs only. Node 3: memory only (CXL-like).
const t = topo([{ cpus: [0], mem: true }, { cpus: [1], mem: true }, { cpus: [2], mem: false }, { cpus: [], mem: true }],
  [[10, 20, 20, 30], [20, 10, 15, 30], [20, 15, 10, 25], [30, 30, 25, 10]]);

describe("planPlacement()", () => {
  test("a node with CPUs and memory: its own CPUs, local memory", () => {
    expect(planPlacement(t, 0)).toEqual({ node: 0, cpuNode: 0, memoryNode: 0, policy: { mode: "local" } });
  });

  test("a memory-less node: its CPUs, memory preferred from the nearest node with memory", () => {
    expect(planPlacement(t, 2)).toEqual({ node: 2, cpuNode: 2, memoryNode: 1, policy: { mode: "preferred", nodes: [1] } });
  });

  test("a CPU-less node: the nearest CPUs (node 2 at 25), memory preferred from the node itself", () => {
    expect(planPlacement(t, 3)).toEqual({ node: 3, cpuNode: 2, memoryNode: 3, policy: { mode: "preferred", nodes: [3] } });
  });

  test("ties go to the lowest id; a given policy replaces the chosen one", () => {
    const even = topo([{ cpus: [0], mem: true }, { cpus: [1], mem: true }, { cpus: [], mem: true }], [[10, 20, 20], [20, 10, 20], [20, 20, 10]]);
    expect(planPlacement(even, 2).cpuNode).toBe(0);
    expect(planPlacement(t, 1, { mode: "bind", nodes: [1] }).policy).toEqual({ mode: "bind", nodes: [1] });
  });

  test("the impossible is a typed error naming the node", () => {
    expect(() => planPlacement(t, 7)).toThrow(NumaError);
    expect(() => planPlacement(t, 7)).toThrow(/node 7: it is not configured on this machine \(configured nodes: 0,1,2,3\)/);
    const noCpus = topo([{ cpus: [], mem: true }], [[10]]);
    expect(() => planPlacement(noCpus, 0)).toThrow(/Cannot place a worker on node 0: no node has CPUs/);
    const noMem = topo([{ cpus: [0], mem: false }], [[10]]);
    expect(() => planPlacement(noMem, 0)).toThrow(/no node has memory this task may use/);
  });
});
