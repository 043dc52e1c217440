import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { expect, test } from "vitest";
import { hardwareText } from "../../../host/cli/commands/mod.ts";
import { readTopology } from "../../../host/core/facts/mod.ts";

/** A fake sysfs + procfs tree: POWER-style sparse node ids 0, 1, 16, 17; node 17 has no memory. */
function fakeRoot(): string {
  const root = mkdtempSync(join(tmpdir(), "numabind-topo-"));
  const put = (p: string, s: string): void => {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), s);
  };
  const n = "sys/devices/system/node";
  put(`${n}/online`, "0-1,16-17\n");
  put(`${n}/possible`, "0-31\n");
  put(`${n}/has_memory`, "0-1,16\n");
  put(`${n}/has_cpu`, "0-1,16-17\n");
  const dist = ["10 20 40 40", "20 10 40 40", "40 40 10 20", "40 40 20 10"];
  [0, 1, 16, 17].forEach((id, i) => {
    put(`${n}/node${id}/cpulist`, `${i * 4}-${i * 4 + 3}\n`);
    put(`${n}/node${id}/meminfo`, `Node ${id} MemTotal:       ${id === 17 ? 0 : 1048576} kB\nNode ${id} MemFree:        ${id === 17 ? 0 : 524288} kB\n`);
    put(`${n}/node${id}/distance`, `${dist[i]}\n`);
  });
  put("proc/self/status", "Name:\tnode\nMems_allowed:\t00000000,00030003\nMems_allowed_list:\t0-1,16-17\n");
  return root;
}

test("readTopology() keeps sparse node ids, memory-less nodes and distances by id", () => {
  const t = readTopology(fakeRoot());
  expect(t.nodes.map((n) => n.id)).toEqual([0, 1, 16, 17]);
  expect(t.online.toList()).toBe("0-1,16-17");
  expect(t.withMemory.toList()).toBe("0-1,16");
  expect(t.possible.toList()).toBe("0-31");
  expect(t.memsAllowed.toList()).toBe("0-1,16-17");
  expect(t.maxNode).toBe(17);
  expect(t.nodemaskBits).toBe(64);
  expect(t.nodes[2]).toMatchObject({ id: 16, cpus: [8, 9, 10, 11], memTotal: 1024 ** 3, memFree: 512 * 1024 ** 2 });
  expect(t.nodes[2]!.distances).toEqual({ 0: 40, 1: 40, 16: 10, 17: 20 });
});

test("hardwareText() prints numactl --hardware's lines with sparse ids", () => {
  expect(hardwareText(readTopology(fakeRoot()))).toBe([
    "available: 4 nodes (0-1,16-17)",
    "node 0 cpus: 0 1 2 3", "node 0 size: 1024 MB", "node 0 free: 512 MB",
    "node 1 cpus: 4 5 6 7", "node 1 size: 1024 MB", "node 1 free: 512 MB",
    "node 16 cpus: 8 9 10 11", "node 16 size: 1024 MB", "node 16 free: 512 MB",
    "node 17 cpus: 12 13 14 15", "node 17 size: 0 MB", "node 17 free: 0 MB",
    "node distances:",
    // numactl's cells: "% 3d " each, so every line of the table ends in a blank.
    "node   0   1  16  17 ",
    "  0:  10  20  40  40 ",
    "  1:  20  10  40  40 ",
    " 16:  40  40  10  20 ",
    " 17:  40  40  20  10 ",
  ].join("\n"));
});

test("readTopology() on this host sees node 0 with memory and the real page size", () => {
  const t = readTopology();
  expect(t.withMemory.has(0)).toBe(true);
  expect(t.pageSize).toBeGreaterThanOrEqual(4096);
  expect(t.nodemaskBits % 32).toBe(0);
});
