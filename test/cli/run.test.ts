import { readFileSync } from "node:fs";
import { expect, test } from "vitest";
import { cli } from "./_cli.ts";

/** A node child that reports its own heap policy, CPUs, and its parent's (numabind's) heap. */
const REPORT = `
const fs = require("node:fs");
const heap = (pid) => /^\\S+ (.+) heap/m.exec(fs.readFileSync("/proc/" + pid + "/numa_maps", "utf8"))[1];
Buffer.alloc(1 << 20, 1);   // touch heap pages under the inherited policy
setTimeout(() => {          // numabind puts its own policy back as soon as spawn returns
  const cpus = /Cpus_allowed_list:\\s*(\\S+)/.exec(fs.readFileSync("/proc/self/status", "utf8"))[1];
  console.log(JSON.stringify({ heap: heap("self"), cpus, parentHeap: heap(process.ppid) }));
}, 300);`;

function runReport(options: string[]): { heap: string; cpus: string; parentHeap: string } {
  const r = cli(["run", ...options, "--", process.execPath, "-e", REPORT]);
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as { heap: string; cpus: string; parentHeap: string };
}

const node0Cpus = readFileSync("/sys/devices/system/node/node0/cpulist", "utf8").trim();

test("run --membind=0 --cpunodebind=0: the child's heap is bind:0 in its own numa_maps, its CPUs are node 0's, numabind's heap is not bound", () => {
  const r = runReport(["--membind=0", "--cpunodebind=0"]);
  expect(r.heap).toBe("bind:0");
  expect(r.cpus).toBe(node0Cpus);
  expect(r.parentHeap).toBe("default");
});

test("run takes numactl's short forms, with the value attached or apart: -i0, -m 0, -l, -p0", () => {
  expect(runReport(["-i0"]).heap).toBe("interleave:0");
  expect(runReport(["-m", "0"]).heap).toBe("bind:0");
  expect(runReport(["-l"]).heap).toBe("local");
  expect(runReport(["-p0"]).heap).toBe("prefer:0");
  expect(runReport(["--preferred-many=0"]).heap).toBe("prefer (many):0");
  expect(runReport(["--membind", "all", "--balancing"]).heap).toBe("bind=balancing:0");
});

test("run --physcpubind: the child runs on exactly those CPUs (and -C +0, the first CPU of the cpuset)", () => {
  const first = /Cpus_allowed_list:\s*(\d+)/.exec(readFileSync("/proc/self/status", "utf8"))![1]!;
  expect(runReport(["--physcpubind", first]).cpus).toBe(first);
  expect(runReport(["-C", "+0"]).cpus).toBe(first);
  expect(runReport(["--cpubind=0"]).cpus).toBe(node0Cpus);
});

test("run without options changes nothing the child inherits", () => {
  const r = runReport([]);
  expect(r.heap).toBe("default");
  expect(r.cpus).toBe(/Cpus_allowed_list:\s*(\S+)/.exec(readFileSync("/proc/self/status", "utf8"))![1]);
});

test("run exits with the command's status, 128 + N for a signal, 1 when the command cannot start", () => {
  expect(cli(["run", "--", "sh", "-c", "exit 3"]).status).toBe(3);
  expect(cli(["run", "-m0", "sh", "-c", "kill -TERM $$"]).status).toBe(128 + 15);
  const missing = cli(["run", "-m0", "--", "numabind-no-such-command"]);
  expect(missing.status).toBe(1);
  expect(missing.stderr).toBe('numabind run: cannot run "numabind-no-such-command": no such command on PATH\n');
});

test("run passes the command's own options through: options after the command are its own", () => {
  const r = cli(["run", "-m0", "sh", "-c", "echo \"$@\"", "sh", "-m", "1", "--help"]);
  expect(r.stdout).toBe("-m 1 --help\n");
  expect(r.status).toBe(0);
});

test("run --json: one JSON line on stderr when the command ends, the command's stdout untouched", () => {
  const r = cli(["run", "--json", "-m0", "-N0", "--", "echo", "hi"]);
  expect(r.stdout).toBe("hi\n");
  const j = JSON.parse(r.stderr) as { command: string[]; policy: { mode: string; nodes: number[] }; cpus: { nodes: number[] }; status: number };
  expect(j).toMatchObject({ command: ["echo", "hi"], policy: { mode: "bind", nodes: [0] }, cpus: { nodes: [0] }, status: 0 });
});

test.each([
  [["run", "--membind=0", "--interleave=0", "true"], /--interleave and --membind each set a memory policy: give one/],
  [["run", "--preferred=0-1", "true"], /^numabind run: Cannot parse --preferred|--preferred takes one node/],
  [["run", "--membind=99", "true"], /node 99 at position 0 is not configured/],
  [["run", "--membind=1-0", "true"], /reversed range/],
  [["run", "--balancing", "--interleave=0", "true"], /--balancing goes only with --membind/],
  [["run", "-N0", "-C0", "true"], /--cpunodebind and --physcpubind each bind the CPUs: give one/],
  [["run", "--physcpubind=9999", "true"], /CPU 9999 at position 0 is not possible here/],
  [["run", "--touch", "true"], /unknown option '--touch'/],
  [["run", "-m0"], /missing required argument 'command'/],
])("run %j is a usage error: exit 2, one line naming the option, nothing run", (args, message) => {
  const r = cli(args);
  expect(r.status).toBe(2);
  expect(r.stdout).toBe("");
  expect(r.stderr).toMatch(message);
  expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
  expect(r.stderr).toMatch(/^numabind run: /);
});
