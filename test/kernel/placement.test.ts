// Where the calling thread runs: affinity, getcpu, the CPUs of nodes, and home nodes, against
// the kernel. Affinity is read back through /proc/thread-self/status (Cpus_allowed_list), not
// through numabind's own getAffinity() alone.
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, test } from "vitest";
import {
  alloc, bind, Cpumask, cpusOf, currentCpu, free, getAffinity, getPolicy, NumaError, runOnNodes, setAffinity,
  setHomeNode, topology,
} from "../../host/mod.ts";
import { childCpuset } from "../helpers/cpuset.ts";
import { runChild } from "../helpers/child.ts";

const threadCpus = () => Cpumask.fromList(/Cpus_allowed_list:\s*(\S*)/.exec(readFileSync("/proc/thread-self/status", "utf8"))![1]!);
const start = getAffinity();
afterEach(() => { setAffinity(start); });

describe("getAffinity() and setAffinity()", () => {
  test("read what the kernel says of this thread, and round-trip every single CPU", () => {
    expect(getAffinity().equals(threadCpus())).toBe(true);
    for (const cpu of start.toArray()) {
      expect(setAffinity([cpu]).toArray()).toEqual([cpu]);
      expect(threadCpus().toArray()).toEqual([cpu]);
      expect(getAffinity().toArray()).toEqual([cpu]);
      // Pinned: every sample of getcpu sees that CPU.
      for (let i = 0; i < 1000; i++) expect(currentCpu().cpu).toBe(cpu);
    }
    expect(setAffinity(start.toList()).equals(start)).toBe(true);
  });

  test("take cpustrings, arrays and Cpumasks; refuse CPUs that do not exist before any syscall", () => {
    expect(setAffinity("all").equals(start)).toBe(true);
    expect(setAffinity(Cpumask.of(start.toArray()[0]!)).size).toBe(1);
    const e = (() => { try { setAffinity([4095]); } catch (x) { return x as NumaError; } })();
    expect(e).toBeInstanceOf(NumaError);
    expect(e!.message).toMatch(/CPU 4095 does not exist here/);
    expect(threadCpus().size).toBe(1); // unchanged by the refusal
    expect(() => setAffinity([])).toThrow(/names no CPU/);
  });

  test("a worker pins only its own thread", () => {
    const r = runChild(`
const { Worker } = await import("node:worker_threads");
const { readFileSync } = await import("node:fs");
const own = () => /Cpus_allowed_list:\\s*(\\S*)/.exec(readFileSync("/proc/thread-self/status", "utf8"))[1];
const w = new Worker(\`
  const { parentPort, workerData } = await import("node:worker_threads");
  const { readFileSync } = await import("node:fs");
  const nb = await import(workerData);
  const cpu = nb.getAffinity().toArray().at(-1);
  nb.setAffinity([cpu]);
  parentPort.postMessage({ cpu, own: /Cpus_allowed_list:\\\\s*(\\\\S*)/.exec(readFileSync("/proc/thread-self/status", "utf8"))[1] });
\`, { eval: true, workerData: ${JSON.stringify(new URL("../../dist/host/mod.js", import.meta.url).href)} });
const m = await new Promise((res) => w.once("message", res));
report({ worker: m, main: own(), mainApi: nb.getAffinity().toList() });
await w.terminate();
`);
    expect(r.stderr).toBe("");
    const m = r.result as { worker: { cpu: number; own: string }; main: string; mainApi: string };
    expect(m.worker.own).toBe(String(m.worker.cpu));
    expect(m.main).toBe(start.toList());
    expect(m.mainApi).toBe(start.toList());
  });

  test.skipIf(start.size < 2)("a CPU outside the cpuset is refused, naming the cpuset (a child cpuset of one CPU)", () => {
    const last = start.toArray().at(-1)!, first = start.toArray()[0]!;
    const set = childCpuset(String(last));
    expect(set, "this host can make a child cpuset (root, cpuset controller)").toBeDefined();
    try {
      const r = runChild(`
let refused;
try { nb.setAffinity([${first}]); } catch (e) { refused = e.code + " " + e.message; }
report({ affinity: nb.getAffinity().toList(), refused, pinned: nb.setAffinity("all").toList() });
`, { wrapper: set!.wrapper });
      expect(r.stderr).toBe("");
      expect(r.result).toEqual({
        affinity: String(last),
        refused: `EINVAL Cannot set the CPU affinity: CPU ${first} is outside this task's cpuset (cpuset CPUs: ${last}), current value is ${first}`,
        pinned: String(last),
      });
    } finally { set!.remove(); }
  });
});

describe("runOnNodes(), cpusOf() and currentCpu()", () => {
  test("cpusOf reads the nodes' sysfs cpulists; runOnNodes pins to them; currentCpu names the node", () => {
    for (const n of topology().nodes) {
      const want = Cpumask.fromList(readFileSync(`/sys/devices/system/node/node${n.id}/cpulist`, "utf8"));
      expect(cpusOf([n.id]).equals(want)).toBe(true);
      if (want.isEmpty) continue;
      expect(runOnNodes(String(n.id)).isSubsetOf(want)).toBe(true);
      for (let i = 0; i < 100; i++) expect(currentCpu().node).toBe(n.id);
    }
  });

  test("nodes that are not configured are refused by name", () => {
    const bad = topology().maxNode + 1;
    expect(() => runOnNodes([bad])).toThrow(new RegExp(`node ${bad} is not configured`));
    expect(() => cpusOf([bad])).toThrow(new RegExp(`node ${bad} is not configured`));
    expect(() => cpusOf("x")).toThrow(/nodestring/);
  });
});

describe("setHomeNode()", () => {
  const page = topology().pageSize;
  test("accepts a range bound with bind or preferred-many; the policy stays", () => {
    for (const mode of ["bind", "preferred-many"] as const) {
      const buf = alloc(8 * page, { mode, nodes: [0] });
      setHomeNode(buf, 0);
      expect(getPolicy(buf).mode).toBe(mode);
      new Uint8Array(buf).fill(1);
      free(buf);
    }
  });

  test("refuses other policies, no policy, offline nodes and empty targets before the syscall, naming each", () => {
    const inter = alloc(4 * page, { mode: "interleave", nodes: [0] });
    expect(() => setHomeNode(inter, 0)).toThrow(/the range's policy is interleave; a home node applies to ranges bound with mode bind or preferred-many/);
    const none = alloc(4 * page, { mode: "default" });
    try { setHomeNode(none, 0); expect.unreachable(); } catch (e) { expect((e as NumaError).code).toBe("ENOENT"); }
    const off = topology().maxNode + 1;
    const b = alloc(4 * page, { mode: "bind", nodes: [0] });
    expect(() => setHomeNode(b, off)).toThrow(new RegExp(`node ${off} is not online`));
    expect(() => setHomeNode(b, -1)).toThrow(/non-negative integer, current value is -1/);
    expect(() => setHomeNode(new Uint8Array(b, 1, page), 0)).toThrow(/owns no whole page/);
    expect(() => setHomeNode(b, 0, { unsafeRawAdress: true } as never)).toThrow(/unsafeRawAddress/);
    for (const x of [inter, none, b]) free(x);
  });

  test("a buffer bound through bind() and a raw range with unsafeRawAddress", () => {
    const ab = alloc(16 * page, { mode: "default" });
    bind(ab, { mode: "bind", nodes: [0] });
    setHomeNode(new Uint8Array(ab, 0, 8 * page), 0);
    expect(() => setHomeNode({ addr: 4096n, length: 4096n }, 0)).toThrow(/unsafeRawAddress/);
    free(ab);
  });
});
