// `numabind run` on four nodes: the command's heap and CPUs follow the options, node by node.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { expect, test } from "vitest";

const CLI = join(import.meta.dirname, "..", "..", "..", "..", "dist", "cli", "main.js");
// The child reports its heap's policy and pages per node (numa_maps), and its CPUs.
const REPORT = `
const fs = require("node:fs");
const keep = Buffer.alloc(8 << 20, 1);   // heap pages touched under the inherited policy
const line = /^\\S+ (.+) heap (.*)$/m.exec(fs.readFileSync("/proc/self/numa_maps", "utf8"));
const nodes = Object.fromEntries([...line[2].matchAll(/N(\\d+)=(\\d+)/g)].map((m) => [m[1], Number(m[2])]));
console.log(JSON.stringify({ heap: line[1], nodes, cpus: /Cpus_allowed_list:\\s*(\\S+)/.exec(fs.readFileSync("/proc/self/status", "utf8"))[1], keep: keep.length }));`;

function run(opts: string[]): { heap: string; nodes: Record<string, number>; cpus: string } {
  const r = spawnSync(process.execPath, [CLI, "run", ...opts, "--", process.execPath, "-e", REPORT], { encoding: "utf8", timeout: 110_000 });
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as { heap: string; nodes: Record<string, number>; cpus: string };
}

test.each([0, 1, 2, 3])("numabind run --membind=%i --cpunodebind: the heap is bind:N with its pages on N, the CPUs are node N's", (n) => {
  const r = run([`--membind=${n}`, `--cpunodebind=${n}`]);
  expect(r.heap).toBe(`bind:${n}`);
  expect(Object.keys(r.nodes)).toEqual([String(n)]);
  expect(r.cpus).toBe(String(n));   // the guest gives node N the one CPU N
});

test("numabind run -i 1,3 -C 2: the heap interleaves over nodes 1 and 3 only, on CPU 2", () => {
  const r = run(["-i", "1,3", "-C", "2"]);
  expect(r.heap).toBe("interleave:1,3");
  expect(Object.keys(r.nodes).sort()).toEqual(["1", "3"]);
  expect(r.cpus).toBe("2");
});

test("numabind run --preferred-many=!0 -N +1: preferred over every node but 0, on the second allowed node's CPU", () => {
  const r = run(["--preferred-many=!0", "-N", "+1"]);
  expect(r.heap).toBe("prefer (many):1-3");
  expect(r.cpus).toBe("1");
});
