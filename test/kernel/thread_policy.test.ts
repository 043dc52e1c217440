import { spawnSync } from "node:child_process";
import { Worker } from "node:worker_threads";
import { afterEach, describe, expect, test } from "vitest";
import {
  alloc, free, getThreadPolicy, numabind, NumaError, numaMaps, setThreadPolicy, topology,
} from "../../host/mod.ts";
import { distUrl } from "../helpers/child.ts";
import { policiesOver } from "../helpers/maps.ts";

const page = topology().pageSize;

describe("getThreadPolicy() / setThreadPolicy()", () => {
  afterEach(() => setThreadPolicy({ mode: "default" }));

  test("getThreadPolicy() gives nextNode (get_mempolicy MPOL_F_NODE) for interleave only", () => {
    expect(getThreadPolicy().nextNode).toBeUndefined();
    setThreadPolicy({ mode: "interleave", nodes: [0] });
    const p = getThreadPolicy();
    expect(p.mode).toBe("interleave");
    expect(p.nextNode).toBe(0);   // one node: the next interleaved page can only go there
    setThreadPolicy({ mode: "bind", nodes: [0] });
    expect(getThreadPolicy().nextNode).toBeUndefined();
  });

  test("setThreadPolicy() sets this thread's policy, and getThreadPolicy() reads it back", () => {
    expect(getThreadPolicy()).toMatchObject({ mode: "default" });
    setThreadPolicy({ mode: "bind", nodes: [0] });
    const p = getThreadPolicy();
    expect(p.mode).toBe("bind");
    expect(p.nodes.toArray()).toEqual([0]);
    setThreadPolicy({ mode: "interleave", nodes: [0], static: true });
    expect(getThreadPolicy()).toMatchObject({ mode: "interleave", static: true });
    setThreadPolicy({ mode: "preferred" });
    expect(getThreadPolicy().mode).toBe("local"); // preferred without nodes is local since 5.14
  });

  test("a mapping without a policy of its own follows the thread policy (numa_maps prints the task's)", () => {
    setThreadPolicy({ mode: "bind", nodes: [0] });
    const buf = alloc(8 * page, { mode: "default" });
    const start = numabind.backend.addressOf(new Uint8Array(buf));
    new Uint8Array(buf).fill(1);
    expect(policiesOver(numaMaps(), start, start + BigInt(8 * page))).toEqual(["bind:0"]);
    free(buf);
  });

  test("setThreadPolicy() refuses an unusable policy before any syscall, naming the argument", () => {
    setThreadPolicy({ mode: "bind", nodes: [0] });
    let err: unknown;
    try { setThreadPolicy({ mode: "bind", nodes: [topology().possible.toArray().at(-1)! + 1] }); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(NumaError);
    expect(err).toMatchObject({ code: "EINVAL", syscall: "validate", arg: "policy.nodes" });
    expect((err as Error).message).toMatch(/^Cannot use policy/);
    expect(getThreadPolicy().mode).toBe("bind"); // unchanged
    expect(() => setThreadPolicy({ mode: "nope" } as never)).toThrow(TypeError);
  });

  test("a worker's setThreadPolicy() changes only the worker's own thread", async () => {
    setThreadPolicy({ mode: "preferred", nodes: [0] });
    const code = `
      const { parentPort } = await import("node:worker_threads");
      const nb = await import(${JSON.stringify(distUrl())});
      const before = nb.getThreadPolicy().mode;
      nb.setThreadPolicy({ mode: "interleave", nodes: [0] });
      parentPort.postMessage({ before, after: nb.getThreadPolicy().mode });`;
    const w = new Worker(`import(${JSON.stringify(`data:text/javascript,${encodeURIComponent(code)}`)})`, { eval: true });
    const msg = await new Promise<{ before: string; after: string }>((res, rej) => { w.once("message", res); w.once("error", rej); });
    await w.terminate();
    // The worker's thread was created after the main thread's policy was set: it inherited it.
    expect(msg).toEqual({ before: "preferred", after: "interleave" });
    expect(getThreadPolicy().mode).toBe("preferred");
  });

  test("a child process started after setThreadPolicy() inherits the policy across fork and exec", () => {
    setThreadPolicy({ mode: "bind", nodes: [0] });
    const r = spawnSync(process.execPath, ["--input-type=module", "-e",
      `const nb = await import(${JSON.stringify(distUrl())}); console.log(JSON.stringify(nb.getThreadPolicy()));`], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toEqual({ mode: "bind", nodes: "0" });
  });
});
