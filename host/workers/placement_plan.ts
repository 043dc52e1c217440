import { NumaError, type Policy, type Topology } from "../core/mod.ts";

/** Where a worker placed on a node runs and takes memory from, and under which policy. */
export interface NodePlacement {
  /** The node asked for. */
  node: number;
  /** The node whose CPUs the worker runs on: `node`, or the nearest node with CPUs. */
  cpuNode: number;
  /** The node its memory comes from: `node`, or the nearest node with memory. */
  memoryNode: number;
  /** The thread memory policy set before the worker's code runs. */
  policy: Policy;
}

/** The nearest node by distance (sysfs nodeN/distance) among `ok`, ties to the lowest id. */
function nearest(t: Topology, node: number, ok: (id: number) => boolean): number | undefined {
  const from = t.nodes.find((n) => n.id === node)!;
  let best: number | undefined, bestD = Infinity;
  for (const n of t.nodes) {
    if (!ok(n.id)) continue;
    const d = from.distances[n.id] ?? Infinity;
    if (d < bestD || (d === bestD && best !== undefined && n.id < best)) { best = n.id; bestD = d; }
  }
  return best;
}

/**
 * Decides where a worker for `node` runs and allocates. A node with CPUs and memory: its own
 * CPUs, local memory. A memory-less node (CPUs only): its CPUs, memory preferred from the
 * nearest node with memory. A CPU-less node (memory only, like CXL): the nearest node's CPUs,
 * memory preferred from `node`. Anything else is a typed error naming the node.
 * @param policy the caller's thread policy, instead of the one chosen here
 * @example Basic usage
 * ```ts
 * expect(planPlacement(topology(), 0).cpuNode).toBe(0);
 * ```
 */
export function planPlacement(t: Topology, node: number, policy?: Policy): NodePlacement {
  if (typeof node !== "number" || !Number.isInteger(node) || !t.nodes.some((n) => n.id === node)) {
    throw new NumaError(`Cannot place a worker on node ${String(node)}: it is not configured on this machine (configured nodes: ${t.nodes.map((n) => n.id).join(",")})`,
      { code: "EINVAL", syscall: "validate", arg: "node" });
  }
  const hasCpus = (id: number) => (t.nodes.find((n) => n.id === id)?.cpus.length ?? 0) > 0;
  const hasMemory = (id: number) => t.withMemory.has(id) && t.memsAllowed.has(id);
  const cpuNode = hasCpus(node) ? node : nearest(t, node, hasCpus);
  const memoryNode = hasMemory(node) ? node : nearest(t, node, hasMemory);
  if (cpuNode === undefined || memoryNode === undefined) {
    throw new NumaError(`Cannot place a worker on node ${node}: ${cpuNode === undefined ? "no node has CPUs" : "no node has memory this task may use"}`,
      { code: "EINVAL", syscall: "validate", arg: "node" });
  }
  const chosen: Policy = cpuNode === node && memoryNode === node ? { mode: "local" } : { mode: "preferred", nodes: [memoryNode] };
  return { node, cpuNode, memoryNode, policy: policy ?? chosen };
}
