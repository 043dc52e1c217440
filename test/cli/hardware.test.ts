import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { expect, test } from "vitest";
import { ensureApt } from "../helpers/apt.ts";
import { cli } from "./_cli.ts";

const haveNumactl = ensureApt(["numactl"], () => existsSync("/usr/bin/numactl"));
const SYS = "/sys/devices/system/node";
const nodeIds = (): number[] => readdirSync(SYS).filter((d) => /^node\d+$/.test(d)).map((d) => Number(d.slice(4))).sort((a, b) => a - b);
const memKb = (node: number, key: string): number => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(readFileSync(`${SYS}/node${node}/meminfo`, "utf8"))![1]);

test("numabind hardware prints numactl --hardware's lines; only the free memory may move between the two runs", () => {
  expect(haveNumactl).toBe(true);
  const theirs = execFileSync("/usr/bin/numactl", ["--hardware"], { encoding: "utf8" }).split("\n");
  const ours = cli(["hardware"]).stdout.split("\n");
  expect(ours.length).toBe(theirs.length);
  ours.forEach((line, i) => {
    const free = /^node (\d+) free: (\d+) MB$/.exec(line);
    if (!free) return expect(line).toBe(theirs[i]);
    const other = /^node (\d+) free: (\d+) MB$/.exec(theirs[i]!)!;
    expect(free[1]).toBe(other[1]);
    expect(Math.abs(Number(free[2]) - Number(other[2]))).toBeLessThan(256);
  });
});

test("numabind hardware --json agrees with sysfs read by the test", () => {
  const j = JSON.parse(cli(["hardware", "--json"]).stdout) as {
    available: number[]; nodes: { id: number; cpus: number[]; memTotalBytes: number; memFreeBytes: number; distances: number[] }[];
  };
  expect(j.available).toEqual(nodeIds());
  for (const n of j.nodes) {
    const list = readFileSync(`${SYS}/node${n.id}/cpulist`, "utf8").trim();
    expect(n.cpus).toEqual(list === "" ? [] : list.split(",").flatMap((r) => {
      const [a, b = a] = r.split("-").map(Number);
      return Array.from({ length: b! - a! + 1 }, (_, i) => a! + i);
    }));
    expect(n.memTotalBytes).toBe(memKb(n.id, "MemTotal") * 1024);
    expect(n.memFreeBytes).toBeLessThanOrEqual(n.memTotalBytes);
    expect(n.distances).toEqual(readFileSync(`${SYS}/node${n.id}/distance`, "utf8").trim().split(/\s+/).map(Number));
  }
});
