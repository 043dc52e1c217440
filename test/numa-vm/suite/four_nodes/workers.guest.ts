// Work placed with memory: workers pinned to each node, the thread's CPU set, and home nodes,
// on four real nodes. Where a worker ran comes from getcpu in the worker, where its pages are
// from move_pages (locate) and numa_maps.
import { describe, expect, test } from "vitest";
import {
  alloc, bindBatch, Cpumask, cpusOf, currentCpu, free, getAffinity, locate, setAffinity, setHomeNode, topology,
} from "../../../../host/mod.ts";
import { execFileSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { runChild } from "../../../helpers/child.ts";
import { childCpuset } from "../../../helpers/cpuset.ts";
import { guestShape } from "../guest_shape.ts";
import { page, touch } from "../placement.ts";

const nodes = Array.from({ length: guestShape().nodes }, (_, i) => i);
const workerModule = new URL("../workers/report_placement.mjs", import.meta.url);

interface Report { nodes: number[]; cpus: string; fresh: number[]; handed?: { nodes: number[]; policy?: string }; data: unknown }

// The workers run in a child process with --no-concurrent-recompilation: on Node 20 a worker
// that ends while V8 compiles in the background can hang the process (docs/workers.md).
const spawned = () => {
  const r = runChild(`
const mod = ${JSON.stringify(workerModule.href)};
const got = (w) => new Promise((res) => { w.once("message", res); w.postMessage("report"); });
const single = [];
for (const k of ${JSON.stringify(nodes)}) {
  const w = nb.spawnOnNode(k, mod, { workerData: { mine: k } });
  single.push({ placed: await w.placed, report: await got(w) });
  await w.terminate();
}
const pool = [];
for (const p of await nb.placeOnNodes(mod, { bytes: 64 * 4096 })) {
  pool.push({ node: p.node, placed: p.placed, report: await got(p.worker) });
  await p.worker.terminate();
}
report({ single, pool });
`, { nodeArgs: ["--no-concurrent-recompilation"], timeoutMs: 240_000 });
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  return r.result as { single: { placed: Record<string, unknown>; report: Report }[]; pool: { node: number; placed: Record<string, unknown>; report: Report }[] };
};

describe("spawnOnNode() and placeOnNodes()", () => {
  test("a worker on each node runs there on every one of 1,000 samples and its fresh pages land there; placeOnNodes hands each a buffer bound to its node (numa_maps bind:k)", () => {
    const { single, pool } = spawned();
    single.forEach(({ placed, report: r }, k) => {
      expect(placed).toMatchObject({ node: k, cpuNode: k, memoryNode: k, policy: { mode: "local" }, applied: { cpus: true, policy: true }, cpus: cpusOf([k]).toList() });
      expect(r.nodes).toEqual([k]);
      expect(r.fresh).toEqual([k]);
      expect(r.data).toEqual({ mine: k }); // the module sees its own workerData
    });
    expect(pool.map((p) => p.node)).toEqual(nodes);
    for (const p of pool) {
      expect(p.report.nodes).toEqual([p.node]);
      expect(p.report.handed).toEqual({ nodes: [p.node], policy: `bind:${p.node}`, bytes: 64 * 4096, node: p.node });
    }
  });
});

describe("the calling thread's CPUs", () => {
  test("setAffinity then getAffinity round-trips for each CPU, and currentCpu follows", () => {
    const all = getAffinity();
    try {
      for (const cpu of all.toArray()) {
        expect(setAffinity([cpu]).toArray()).toEqual([cpu]);
        for (let i = 0; i < 200; i++) expect(currentCpu().cpu).toBe(cpu);
      }
    } finally { setAffinity(all); }
    expect(getAffinity().equals(all)).toBe(true);
    expect(Cpumask.fromList(`0-${nodes.length - 1}`).isSubsetOf(all)).toBe(true);
  });
});

describe("a CPU outside the cpuset", () => {
  test("is refused by setAffinity, naming the cpuset, in a child whose cgroup cpuset holds CPU 1 only", () => {
    // cgroup v2 in the guest (its own kernel: nothing on the host changes), as suite/cpuset.ts.
    if (!existsSync("/sys/fs/cgroup/cgroup.controllers")) execFileSync("mount", ["-t", "cgroup2", "cgroup2", "/sys/fs/cgroup"]);
    writeFileSync("/sys/fs/cgroup/cgroup.subtree_control", "+cpuset");
    const set = childCpuset("1");
    expect(set, "a child cpuset can be made in the guest").toBeDefined();
    try {
      const r = runChild(`
let refused;
try { nb.setAffinity([0, 1]); } catch (e) { refused = e.code + " " + e.message; }
report({ affinity: nb.getAffinity().toList(), node: nb.currentCpu().node, refused });
`, { wrapper: set!.wrapper });
      expect(r.stderr).toBe("");
      expect(r.result).toEqual({
        affinity: "1", node: 1,
        refused: "EINVAL Cannot set the CPU affinity: CPU 0 is outside this task's cpuset (cpuset CPUs: 1), current value is 0-1",
      });
    } finally { set!.remove(); }
  });
});

describe("home nodes", () => {
  test("bind over nodes 0-3 with home node 2: touched pages land on node 2 (setHomeNode and a batch's homeNode)", () => {
    const all = getAffinity();
    setAffinity(cpusOf([0])); // without a home node, bind would take the local node 0
    try {
      const a = alloc(32 * page, { mode: "bind", nodes: nodes });
      setHomeNode(a, 2);
      touch(a);
      expect([...new Set(locate(a))]).toEqual([2]);
      const b = alloc(64 * page, { mode: "default" });
      const half = (i: number) => new Uint8Array(b, i * 32 * page, 32 * page);
      const res = bindBatch([
        { target: half(0), policy: { mode: "bind", nodes: "0-3" }, homeNode: 2 },
        { target: half(1), policy: { mode: "bind", nodes: "0-3" } },
      ]);
      expect(res).toMatchObject({ ok: true, ops: 2 });
      touch(b);
      expect([...new Set(locate(half(0)))]).toEqual([2]);
      expect([...new Set(locate(half(1)))]).toEqual([0]);
      free(a); free(b);
    } finally { setAffinity(all); }
    expect(topology().online.has(2)).toBe(true);
  });
});
