// What a report says about the machine and the software: the kernel, the CPU, the NUMA
// layout, cpu0's caches (the last-level one sets STREAM's array size) and the versions.
import { readdirSync, readFileSync } from "node:fs";
import { cpus as osCpus, release } from "node:os";
import { join } from "node:path";
import { available, Cpumask, topology } from "../mod.ts";
import { numabindPackage } from "./_package.ts";
import type { BenchEnvironment } from "./report_schema.ts";

const CPU0_CACHE = "/sys/devices/system/cpu/cpu0/cache";

const readText = (path: string): string | undefined => {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
};

/**
 * A sysfs cache size ("48K", "491520K", "32M") in bytes, or 0 when it cannot be read.
 * @example Basic usage
 * ```ts
 * assert(parseCacheSize("491520K\n") === 480 * 1024 * 1024);
 * ```
 */
export function parseCacheSize(text: string): number {
  const m = /^\s*(\d+)\s*([KMG]?)/i.exec(text);
  if (!m) return 0;
  const scale = { "": 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[m[2]!.toUpperCase() as "" | "K" | "M" | "G"];
  return Number(m[1]) * scale;
}

/**
 * cpu0's caches from sysfs (`/sys/devices/system/cpu/cpu0/cache/index*`), by level, and the
 * last-level cache: the largest of them, the size STREAM's rule multiplies by 4.
 * @param dir the cache folder (tests point at a fake tree)
 * @example Basic usage
 * ```ts
 * const { caches, llcBytes } = readCaches();
 * assert(caches.every((c) => c.sizeBytes <= llcBytes));
 * ```
 */
export function readCaches(dir = CPU0_CACHE): { caches: BenchEnvironment["caches"]; llcBytes: number } {
  let entries: string[];
  try {
    entries = readdirSync(dir).filter((e) => /^index\d+$/.test(e));
  } catch {
    return { caches: [], llcBytes: 0 };
  }
  const caches = entries.map((e) => ({
    level: Number(readText(join(dir, e, "level")) ?? 0),
    type: (readText(join(dir, e, "type")) ?? "unknown").trim(),
    sizeBytes: parseCacheSize(readText(join(dir, e, "size")) ?? ""),
  })).sort((a, b) => a.level - b.level || a.type.localeCompare(b.type));
  return { caches, llcBytes: Math.max(0, ...caches.map((c) => c.sizeBytes)) };
}

/**
 * The machine and the software the figures come from: uname release, CPU model, online CPUs,
 * NUMA nodes and distances (numabind's topology()), cpu0's caches, page size, the versions of
 * numabind, Node and V8, and the backend available() reports.
 * @example Basic usage
 * ```ts
 * const env = readEnvironment();
 * assert(env.distances.length === env.nodes.length && env.llcBytes > 0);
 * ```
 */
export function readEnvironment(): BenchEnvironment {
  const t = topology();
  const avail = available();
  const { caches, llcBytes } = readCaches();
  const model = /^model name\s*:\s*(.+)$/m.exec(readText("/proc/cpuinfo") ?? "")?.[1]?.trim();
  const online = readText("/sys/devices/system/cpu/online")?.trim();
  return {
    kernel: release(),
    cpuModel: model ?? osCpus()[0]?.model ?? "unknown",
    cpus: online ? Cpumask.fromList(online).size : osCpus().length,
    nodes: t.nodes.map((n) => ({ id: n.id, cpus: [...n.cpus], memTotalBytes: n.memTotal, hasMemory: t.withMemory.has(n.id) })),
    distances: t.nodes.map((a) => t.nodes.map((b) => a.distances[b.id] ?? 0)),
    caches, llcBytes,
    pageSize: t.pageSize,
    versions: { numabind: numabindPackage().version, node: process.versions.node, v8: process.versions.v8 },
    backend: avail.backend,
    path: avail.path === "syscall" ? "syscall" : "shim",
  };
}
