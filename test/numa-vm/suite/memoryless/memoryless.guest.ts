// A node with CPUs and no memory (as on some real machines): it is online but no policy may
// name it alone, and numabind must say so before the kernel is asked.
import { describe, expect, test } from "vitest";
import {
  alloc, type Backend, createNumabind, getPolicy, NumaError, openBackend, topology,
} from "../../../../host/mod.ts";
import { runChild } from "../../../helpers/child.ts";
import { guestShape } from "../guest_shape.ts";
import { expectHardwareMatches } from "../hardware.ts";
import { page, placementOf, region, touch } from "../placement.ts";

const shape = guestShape();
const bare = shape.nodes; // the first memory-less node
if (shape.memorylessNodes < 1) throw new Error("These checks need a guest with a memory-less node: npm run test:numa -- --shape memoryless");

/** The default backend, counting the mbind batches that reach it. */
function counted(): { backend: Backend; calls: () => number } {
  const inner = openBackend();
  let n = 0;
  const backend: Backend = Object.create(inner);
  backend.mbindBatch = (...a: Parameters<NonNullable<Backend["mbindBatch"]>>) => { n++; return inner.mbindBatch!(...a); };
  return { backend, calls: () => n };
}

describe(`node ${bare}, with CPUs and no memory`, () => {
  test("numabind hardware lists it with size 0 MB and QEMU's distances", () => {
    expectHardwareMatches(shape);
  });

  test("topology().withMemory excludes it; online, withCpus and possible include it", () => {
    const t = topology();
    expect(t.withMemory.has(bare)).toBe(false);
    expect(t.withMemory.toList()).toBe(`0-${shape.nodes - 1}`);
    for (const set of [t.online, t.withCpus, t.possible]) expect(set.has(bare)).toBe(true);
    expect(t.nodes.find((n) => n.id === bare)).toMatchObject({ memTotal: 0, cpus: [bare] });
  });

  test("bind() to it alone is refused with NumaError EINVAL before any syscall, and the policy stays", () => {
    const { backend, calls } = counted();
    const nb = createNumabind(backend);
    const r = region(8);
    let err: unknown;
    try { nb.bind(r, { mode: "bind", nodes: [bare] }); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(NumaError);
    expect(err).toMatchObject({ code: "EINVAL", errno: 22, syscall: "validate", arg: "policy.nodes" });
    expect((err as NumaError).message).toMatch(new RegExp(`\\(${bare}\\)`));
    expect(calls()).toBe(0);
    expect(getPolicy(r).mode).toBe("default");
  });

  test("alloc() with it alone is refused the same way", () => {
    let err: unknown;
    try { alloc(8 * page, { mode: "interleave", nodes: [bare] }); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(NumaError);
    expect(err).toMatchObject({ code: "EINVAL", syscall: "validate" });
  });

  test("the nodes with memory still take pages while it is online", () => {
    const r = region(32);
    const nb = createNumabind(openBackend());
    nb.bind(r, { mode: "bind", nodes: [shape.nodes - 1] });
    touch(r);
    expect(placementOf(r).perNode).toEqual({ [shape.nodes - 1]: 32 });
  });
});

describe(`a worker placed on node ${bare}`, () => {
  test("runs on its CPU and takes memory from the nearest node with memory", () => {
    const d = shape.distances[bare]!;
    const nearest = d.slice(0, shape.nodes).reduce((best, v, i) => (v < d[best]! ? i : best), 0);
    // In a child with --no-concurrent-recompilation (Node 20's worker-exit hang: docs/workers.md).
    const r = runChild(`
const w = nb.spawnOnNode(${bare}, ${JSON.stringify(new URL("../workers/report_placement.mjs", import.meta.url).href)});
const placed = await w.placed;
const rep = await new Promise((res) => { w.once("message", res); w.postMessage("report"); });
await w.terminate();
report({ placed, rep });
`, { nodeArgs: ["--no-concurrent-recompilation"], timeoutMs: 120_000 });
    expect(r.stderr).toBe("");
    const { placed, rep } = r.result as { placed: Record<string, unknown>; rep: { nodes: number[]; fresh: number[] } };
    expect(placed).toMatchObject({ node: bare, cpuNode: bare, memoryNode: nearest, policy: { mode: "preferred", nodes: [nearest] } });
    expect(rep.nodes).toEqual([bare]);
    expect(rep.fresh).toEqual([nearest]);
  });
});
