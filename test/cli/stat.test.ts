// `numabind stat` against the kernel's files read by the test itself, and against the output of
// Debian's numastat: live for one process, and over fixtures/stat_* for two nodes (the goldens
// come from numastat run on a faked 2-node sysfs, see fixtures/stat_golden.sh).
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import {
  countersTable, meminfoTable, processUsage, type StatReport, type StatRow, statText,
} from "../../host/cli/commands/stat.ts";
import { parseNumaMaps } from "../../host/mod.ts";
import { ensureApt } from "../helpers/apt.ts";
import { cli } from "./_cli.ts";
import { type BoundChild, startBoundChild } from "./fixtures/stat_child.ts";

const MiB = 1 << 20;
const NODE_DIR = "/sys/devices/system/node";
const fixtures = join(import.meta.dirname, "fixtures");
const fixture = (name: string): string => readFileSync(join(fixtures, name), "utf8");

/** Node ids as sysfs lists them, ascending. */
const sysNodes = (): number[] => readdirSync(NODE_DIR).flatMap((d) => /^node(\d+)$/.exec(d)?.[1] ?? []).map(Number).sort((a, b) => a - b);
/** One node's numastat counters, read by the test. */
const counters = (n: number): Map<string, number> =>
  new Map(readFileSync(`${NODE_DIR}/node${n}/numastat`, "utf8").trim().split("\n").map((l) => l.split(/\s+/)).map(([k, v]) => [k!, Number(v)]));
const json = (args: string[]): StatReport => {
  const r = cli(["stat", ...args, "--json"]);
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as StatReport;
};
const rowNamed = (rows: StatRow[] | undefined, name: string): StatRow => {
  const row = rows?.find((r) => r.name === name);
  expect(row, `row ${name}`).toBeDefined();
  return row!;
};

// ---- numastat's layout, over the 2-node fixtures ----

const pageSize = 4096;
const sysfs = (file: string): string[] => [0, 1].map((n) => fixture(`stat_sysfs/node${n}/${file}`));

test("statText() prints the counters in pages exactly as plain numastat does", () => {
  const text = statText({ nodes: [0, 1], pageSize, counters: countersTable(sysfs("numastat"), pageSize, "pages") }, false);
  expect(`${text}\n`).toBe(fixture("stat_golden_counters.txt"));
});

test("statText() prints the counters in MiB exactly as numastat -n does, rounding ties to even", () => {
  const report = { nodes: [0, 1], pageSize, counters: countersTable(sysfs("numastat"), pageSize, "MiB") };
  expect(`${statText(report, false)}\n`).toBe(fixture("stat_golden_counters_mb.txt"));
  // 4128 pages are 16.125 MiB: printf's "%.2f" gives 16.12, not toFixed's 16.13.
  expect(report.counters.rows.find((r) => r.name === "numa_miss")!.perNode[1]).toBe(16.125);
});

test("statText() prints meminfo exactly as numastat -m and -m -z do", () => {
  const meminfo = meminfoTable(sysfs("meminfo"), [undefined, undefined], 2 * MiB);
  expect(`${statText({ nodes: [0, 1], pageSize, meminfo }, false)}\n`).toBe(fixture("stat_golden_meminfo.txt"));
  expect(`${statText({ nodes: [0, 1], pageSize, meminfo }, true)}\n`).toBe(fixture("stat_golden_meminfo_z.txt"));
  expect(rowNamed(meminfo.rows, "HugePages_Total").perNode).toEqual([16, 0]); // 8 pages of 2 MiB
});

test("statText() prints one process's and several processes' tables exactly as numastat -p does", () => {
  const entries = parseNumaMaps(fixture("stat_numa_maps.txt"));
  const usage = (pid: number) => processUsage(pid, "sleep", entries, [0, 1], pageSize, 2 * MiB);
  const one = statText({ nodes: [0, 1], pageSize, processes: [usage(12345)] }, false).replace("PID 12345 ", "PID PID_A ");
  expect(`${one}\n`).toBe(fixture("stat_golden_process.txt"));
  const two = statText({ nodes: [0, 1], pageSize, processes: [usage(12345), usage(12346)] }, false)
    .replace(/^12345 /m, "PID_A ").replace(/^12346 /m, "PID_B ");
  expect(`${two}\n`).toBe(fixture("stat_golden_processes.txt"));
});

test("processUsage() sorts mappings into numastat's categories and sizes hugetlb pages by kernelpagesize_kB", () => {
  const u = processUsage(1, "x", parseNumaMaps(fixture("stat_numa_maps.txt")), [0, 1], pageSize, 0);
  expect(u.rows.map((r) => r.name)).toEqual(["huge", "heap", "stack", "private"]);
  expect(rowNamed(u.rows, "huge").perNode).toEqual([6, 0]);   // 3 pages of 2048 kB
  expect(rowNamed(u.rows, "heap").perNode).toEqual([0.5, 0.125]);
  const sum = u.rows.reduce((a, r) => a + r.total, 0);
  expect(u.total.total).toBeCloseTo(sum, 12);
  expect(u.total.perNode.reduce((a, b) => a + b, 0)).toBeCloseTo(u.total.total, 12);
});

// ---- the live command ----

test("stat --json gives every node's counters in pages, each between a read before and a read after", () => {
  const nodes = sysNodes();
  const before = nodes.map(counters);
  const r = json([]);
  const after = nodes.map(counters);
  expect(r.nodes).toEqual(nodes);
  expect(r.counters?.unit).toBe("pages");
  expect(r.counters!.rows.map((row) => row.name)).toEqual([...before[0]!.keys()]);
  for (const name of ["numa_hit", "numa_miss", "numa_foreign", "interleave_hit", "local_node", "other_node"]) {
    const row = rowNamed(r.counters!.rows, name);
    nodes.forEach((_, i) => {
      expect(row.perNode[i]).toBeGreaterThanOrEqual(before[i]!.get(name)!);
      expect(row.perNode[i]).toBeLessThanOrEqual(after[i]!.get(name)!);
    });
    expect(row.total).toBe(row.perNode.reduce((a, b) => a + b, 0));
  }
  expect(r.meminfo).toBeUndefined();
  expect(r.processes).toBeUndefined();
});

test("stat prints numastat's plain table: nodeN columns, counter rows, values in pages between two reads", () => {
  const nodes = sysNodes();
  const before = nodes.map(counters);
  const out = cli(["stat"]);
  const after = nodes.map(counters);
  expect(out.status).toBe(0);
  const lines = out.stdout.trimEnd().split("\n");
  expect(lines[0]).toBe(" ".repeat(16) + nodes.map((n) => `node${n}`.padStart(16)).join(""));
  expect(lines.slice(1).map((l) => l.slice(0, 16).trim())).toEqual([...before[0]!.keys()]);
  for (const line of lines.slice(1)) {
    const [name, ...values] = line.trim().split(/\s+/);
    expect(values).toHaveLength(nodes.length);
    values.map(Number).forEach((v, i) => {
      expect(v).toBeGreaterThanOrEqual(before[i]!.get(name!)!);
      expect(v).toBeLessThanOrEqual(after[i]!.get(name!)!);
    });
  }
});

test("stat -n --json gives the counters in MiB (pages times the page size), between two reads", () => {
  const nodes = sysNodes();
  const page = Number(execFileSync("getconf", ["PAGESIZE"], { encoding: "utf8" }));
  const before = nodes.map(counters);
  const r = json(["-n"]);
  const after = nodes.map(counters);
  expect(r.pageSize).toBe(page);
  expect(r.counters?.unit).toBe("MiB");
  const hit = rowNamed(r.counters!.rows, "numa_hit");
  nodes.forEach((_, i) => {
    expect(hit.perNode[i]).toBeGreaterThanOrEqual(before[i]!.get("numa_hit")! * page / MiB);
    expect(hit.perNode[i]).toBeLessThanOrEqual(after[i]!.get("numa_hit")! * page / MiB);
  });
  const text = cli(["stat", "-n"]).stdout;
  expect(text).toMatch(/^\nPer-node numastat info \(in MBs\):\n {16}( +Node \d+)+ +Total\n/);
  expect(text).toMatch(/^Numa_Hit +\d+\.\d\d( +\d+\.\d\d)+$/m);
});

test("stat -m --json gives each node's meminfo in MiB from one read of its file, huge pages over every size", () => {
  const nodes = sysNodes();
  const kB = (n: number, field: string): number => Number(new RegExp(`^Node \\d+ ${field}:\\s+(\\d+)`, "m").exec(readFileSync(`${NODE_DIR}/node${n}/meminfo`, "utf8"))![1]);
  const hugeBytes = (n: number): number => {
    const dir = `${NODE_DIR}/node${n}/hugepages`;
    return existsSync(dir) ? readdirSync(dir).reduce((a, d) => a + Number(readFileSync(`${dir}/${d}/nr_hugepages`, "utf8")) * Number(/(\d+)kB/.exec(d)![1]) * 1024, 0) : 0;
  };
  const totalBefore = nodes.map((n) => kB(n, "MemTotal")), hugeBefore = nodes.map(hugeBytes);
  const r = json(["-m"]);
  const totalAfter = nodes.map((n) => kB(n, "MemTotal")), hugeAfter = nodes.map(hugeBytes);
  expect(r.counters).toBeUndefined();
  const names = readFileSync(`${NODE_DIR}/node${nodes[0]}/meminfo`, "utf8").trim().split("\n").map((l) => l.split(/\s+/)[2]!.replace(/:$/, ""));
  expect(r.meminfo!.rows.map((row) => row.name)).toEqual(names);
  const total = rowNamed(r.meminfo!.rows, "MemTotal"), free = rowNamed(r.meminfo!.rows, "MemFree"), used = rowNamed(r.meminfo!.rows, "MemUsed");
  const huge = rowNamed(r.meminfo!.rows, "HugePages_Total");
  nodes.forEach((_, i) => {
    expect(total.perNode[i]).toBeGreaterThanOrEqual(Math.min(totalBefore[i]!, totalAfter[i]!) / 1024);
    expect(total.perNode[i]).toBeLessThanOrEqual(Math.max(totalBefore[i]!, totalAfter[i]!) / 1024);
    expect(free.perNode[i]! + used.perNode[i]!).toBe(total.perNode[i]); // the kernel writes MemUsed = MemTotal - MemFree
    expect(huge.perNode[i]).toBeGreaterThanOrEqual(Math.min(hugeBefore[i]!, hugeAfter[i]!) / MiB);
    expect(huge.perNode[i]).toBeLessThanOrEqual(Math.max(hugeBefore[i]!, hugeAfter[i]!) / MiB);
  });
  expect(cli(["stat", "-m"]).stdout).toMatch(/^\nPer-node system memory usage \(in MBs\):\n[\s\S]*^MemTotal +\d+\.\d\d/m);
});

let child: BoundChild;
beforeAll(async () => { child = await startBoundChild(); });
afterAll(async () => { await child?.stop(); });

/** A process's memory per category and node, from the test's own read of its numa_maps (bytes). */
function usageOf(pid: number, nodes: number[]): Record<string, number[]> {
  const out: Record<string, number[]> = { huge: [], heap: [], stack: [], private: [] };
  for (const k of Object.keys(out)) out[k] = nodes.map(() => 0);
  for (const line of readFileSync(`/proc/${pid}/numa_maps`, "utf8").trim().split("\n")) {
    const toks = line.split(" ");
    const cat = toks.includes("huge") ? "huge" : toks.includes("heap") ? "heap" : toks.includes("stack") ? "stack" : "private";
    const size = Number(/kernelpagesize_kB=(\d+)/.exec(line)?.[1] ?? 4) * 1024;
    for (const m of line.matchAll(/ N(\d+)=(\d+)/g)) out[cat]![nodes.indexOf(Number(m[1]))]! += Number(m[2]) * size;
  }
  return out;
}

test("stat -p PID --json gives a bound process's memory per category and node, as its numa_maps says", () => {
  const nodes = sysNodes();
  const before = usageOf(child.pid, nodes);
  const r = json(["-p", String(child.pid)]);
  const after = usageOf(child.pid, nodes);
  expect(r.processes).toHaveLength(1);
  const p = r.processes![0]!;
  expect(p).toMatchObject({ pid: child.pid, name: "node", unit: "MiB" });
  expect(r.counters).toBeUndefined();
  for (const row of p.rows) {
    row.perNode.forEach((v, i) => {
      expect(v).toBeGreaterThanOrEqual(Math.min(before[row.name]![i]!, after[row.name]![i]!) / MiB);
      expect(v).toBeLessThanOrEqual(Math.max(before[row.name]![i]!, after[row.name]![i]!) / MiB);
    });
  }
  // The child's 8 MiB bound to node 0 are private memory on node 0.
  expect(rowNamed(p.rows, "private").perNode[nodes.indexOf(0)]).toBeGreaterThanOrEqual(child.bytes / MiB);
  expect(p.total.total).toBeCloseTo(p.rows.reduce((a, row) => a + row.total, 0), 9);
});

test("stat -p NAME finds processes by command line as numastat does, and several -p make one table", () => {
  const r = json(["-p", child.marker]);
  expect(r.processes!.map((p) => p.pid)).toEqual([child.pid]);
  const both = json(["-p", child.marker, "-p", String(child.pid), String(process.pid)]);
  expect(both.processes!.map((p) => p.pid)).toEqual([child.pid, process.pid].sort((a, b) => a - b));
  const text = cli(["stat", "-p", child.marker, "-p", String(process.pid)]).stdout;
  expect(text).toMatch(/^\nPer-node process memory usage \(in MBs\)\nPID {2,}( +Node \d+)+ +Total\n/);
  expect(text).toMatch(new RegExp(`^${child.pid} \\(node\\) +\\d+\\.\\d\\d`, "m"));
  expect(text).toMatch(/^Total +\d+\.\d\d/m);
});

const haveNumastat = ensureApt(["numactl"], () => existsSync("/usr/bin/numastat"));

test.runIf(haveNumastat)("stat -p PID prints what Debian's numastat -p PID prints for an idle process, byte for byte", async () => {
  const { spawn } = await import("node:child_process");
  const sleeper = spawn("sleep", ["60"]);
  try {
    await new Promise((r) => setTimeout(r, 100)); // past exec: its maps are sleep's
    const pid = String(sleeper.pid);
    expect(cli(["stat", "-p", pid]).stdout).toBe(execFileSync("/usr/bin/numastat", ["-p", pid], { encoding: "utf8" }));
    expect(cli(["stat", "-p", pid, "-z"]).stdout).toBe(execFileSync("/usr/bin/numastat", ["-p", pid, "-z"], { encoding: "utf8" }));
  } finally {
    sleeper.kill();
  }
});

test("stat fails with one line and exit 1 for a process that does not exist or a name nothing matches", () => {
  for (const args of [["-p", "4194304"], ["-p", `no-such-process-${process.pid}-x`]]) {
    const r = cli(["stat", ...args]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^numabind stat: no process (with pid 4194304 \(it may have exited\); check the pid with 'ps -p 4194304'|has '.*' in its name or command line; list them with 'ps -eo pid,comm,args')\n$/);
  }
});

test("stat refuses bad options and pids with a usage error (exit 2)", () => {
  for (const args of [["--bogus"], ["-p", "0"], ["-p"], ["-p", ""]]) {
    const r = cli(["stat", ...args]);
    expect(r.status, args.join(" ")).toBe(2);
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/see 'numabind stat --help'\n$/);
  }
});
