// Workers pinned to a node: the bootstrap pins the thread and sets its policy before the
// module runs; where it ran comes from getcpu in the worker, where its pages are from
// move_pages. One node here; the four-node checks are in test/numa-vm. The workers run in a
// child with --no-concurrent-recompilation: on Node 20 a worker that ends while V8 compiles
// in the background can hang the process (docs/workers.md).
import { describe, expect, test } from "vitest";
import { cpusOf, NumaError, planPlacement, spawnOnNode, topology } from "../../host/mod.ts";
import { runChild } from "../helpers/child.ts";

const workerModule = new URL("../numa-vm/suite/workers/report_placement.mjs", import.meta.url).href;
const node = topology().nodes[0]!.id;

describe("spawnOnNode() and placeOnNodes()", () => {
  test("a worker runs on the node's CPUs under its policy and sees its own workerData; a pool gets buffers bound per node", () => {
    const r = runChild(`
const got = (w) => new Promise((res) => { w.once("message", res); w.postMessage("report"); });
const w = nb.spawnOnNode(${node}, ${JSON.stringify(workerModule)}, { workerData: { mine: 1 }, policy: { mode: "bind", nodes: [${node}] } });
const placed = await w.placed, rep = await got(w);
await w.terminate();
const pool = [];
for (const p of await nb.placeOnNodes(${JSON.stringify(workerModule)}, { bytes: 64 * 4096, workerData: { x: 2 } })) {
  pool.push({ node: p.node, rep: await got(p.worker) });
  await p.worker.terminate();
}
report({ placed, rep, pool });
`, { nodeArgs: ["--no-concurrent-recompilation"], timeoutMs: 120_000 });
    expect(r.stderr).toBe("");
    const { placed, rep, pool } = r.result as {
      placed: Record<string, unknown>; rep: Record<string, unknown>;
      pool: { node: number; rep: { handed: unknown; data: unknown } }[];
    };
    expect(placed).toMatchObject({ node, cpuNode: node, memoryNode: node, policy: { mode: "bind", nodes: [node] }, applied: { cpus: true, policy: true }, cpus: cpusOf([node]).toList() });
    expect(rep).toMatchObject({ nodes: [node], fresh: [node], cpus: placed.cpus, data: { mine: 1 } });
    expect(pool.map((p) => p.node)).toEqual(topology().nodes.map((n) => n.id));
    for (const p of pool) {
      expect(p.rep.handed).toEqual({ nodes: [p.node], policy: `bind:${p.node}`, bytes: 64 * 4096, node: p.node });
      expect(p.rep.data).toEqual({ x: 2 }); // workerData.data: the caller's own workerData
    }
  });

  test("a node that is not configured, or a bad policy, is refused before any worker starts", () => {
    const bad = topology().maxNode + 1;
    expect(() => spawnOnNode(bad, workerModule)).toThrow(new RegExp(`Cannot place a worker on node ${bad}: it is not configured`));
    expect(() => spawnOnNode(node, workerModule, { policy: { mode: "bind" } })).toThrow(NumaError);
    expect(() => planPlacement(topology(), 0.5)).toThrow(/not configured/);
  });
});

describe("spawnOnNode() where memory policy is denied (a real seccomp filter: EPERM)", () => {
  test("the worker is still pinned, and placed says the policy was not applied and why", async () => {
    const { denyMempolicyLauncher } = await import("../helpers/seccomp.ts");
    const r = runChild(`
const w = nb.spawnOnNode(${node}, ${JSON.stringify(workerModule)});
const placed = await w.placed;
const rep = await new Promise((res) => { w.once("message", res); w.postMessage("report"); });
await w.terminate();
report({ placed, rep });
`, { wrapper: [denyMempolicyLauncher()], nodeArgs: ["--no-concurrent-recompilation"], timeoutMs: 120_000 });
    expect(r.stderr).toBe("");
    const { placed, rep } = r.result as { placed: { applied: unknown; notApplied: string; cpus: string }; rep: { nodes: number[]; cpus: string } };
    expect(placed.applied).toEqual({ cpus: true, policy: false });
    expect(placed.notApplied).toMatch(/^memory policy: .*EPERM/);
    expect(rep.cpus).toBe(placed.cpus);
    expect(rep.nodes).toEqual([node]);
  });
});
