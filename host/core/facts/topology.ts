import { Nodemask } from "../policy/mod.ts";
import {
  nodeIds, nodemaskBits, parseKernelList, procStatus, readText, system, underRoot,
} from "../system/mod.ts";

/** One NUMA node as sysfs describes it. */
export interface NodeInfo {
  id: number;
  cpus: number[];
  /** Bytes, from nodeN/meminfo MemTotal. */
  memTotal: number;
  /** Bytes, from nodeN/meminfo MemFree. */
  memFree: number;
  /** Distance to each node id, from nodeN/distance (10 = local). */
  distances: Record<number, number>;
}

/** The machine's NUMA layout and this process's view of it. */
export interface Topology {
  nodes: NodeInfo[];
  online: Nodemask;
  withMemory: Nodemask;
  withCpus: Nodemask;
  possible: Nodemask;
  /** Nodes this task may allocate on (cpuset mems_allowed, /proc/self/status Mems_allowed_list). */
  memsAllowed: Nodemask;
  /** Highest configured node id. */
  maxNode: number;
  /** The kernel's nodemask width in bits (MAX_NUMNODES), from the width of Mems_allowed. */
  nodemaskBits: number;
  /** Base page size in bytes (AT_PAGESZ). */
  pageSize: number;
}

const SYS_NODE = "sys/devices/system/node";

function maskOf(text: string | undefined, fallback: Nodemask): Nodemask {
  return text === undefined ? fallback : Nodemask.of(...parseKernelList(text));
}

function meminfo(text: string | undefined, key: string): number {
  const m = text && new RegExp(`${key}:\\s+(\\d+) kB`).exec(text);
  return m ? Number(m[1]) * 1024 : 0;
}

/**
 * Base page size from the auxiliary vector (AT_PAGESZ = 6), 4096 if it cannot be read.
 * @param root where /proc is found (tests point at a fake tree)
 * @example Basic usage
 * ```ts
 * expect(pageSizeFromAuxv() % 4096).toBe(0);
 * ```
 */
export function pageSizeFromAuxv(root = "/"): number {
  // Absent when this is not Linux or /proc is not mounted.
  const read = system().readFile(underRoot(root, "proc/self/auxv"));
  if (read === undefined) return 4096;
  const b = read.byteOffset % 8 === 0 ? read : read.slice(); // u64 entries need an aligned view
  const v = new BigUint64Array(b.buffer, b.byteOffset, b.byteLength >>> 3);
  for (let i = 0; i + 1 < v.length; i += 2) if (v[i] === 6n) return Number(v[i + 1]);
  return 4096;
}

/**
 * Reads the topology from sysfs and /proc. `root` lets tests point at a fake tree.
 * On a machine without NUMA support in sysfs this reports one node 0 holding everything.
 * @example
 * ```ts
 * const t = readTopology();
 * expect(t.withMemory.size).toBeGreaterThan(0);
 * ```
 */
export function readTopology(root = "/"): Topology {
  const ids = nodeIds(root, SYS_NODE) ?? [0];
  const configured = Nodemask.of(...ids);
  const nodes = ids.map((id): NodeInfo => {
    const dir = `${SYS_NODE}/node${id}`;
    const mem = readText(root, `${dir}/meminfo`);
    const dist = (readText(root, `${dir}/distance`) ?? "").trim().split(/\s+/).filter(Boolean).map(Number);
    const online = parseKernelList(readText(root, `${SYS_NODE}/online`) ?? ids.join(","));
    return {
      id,
      cpus: parseKernelList(readText(root, `${dir}/cpulist`) ?? ""),
      memTotal: meminfo(mem, "MemTotal"),
      memFree: meminfo(mem, "MemFree"),
      distances: Object.fromEntries(dist.map((d, i) => [online[i] ?? i, d])),
    };
  });
  const status = procStatus(root);
  const online = maskOf(readText(root, `${SYS_NODE}/online`), configured);
  return {
    nodes,
    online,
    withMemory: maskOf(readText(root, `${SYS_NODE}/has_memory`), configured),
    withCpus: maskOf(readText(root, `${SYS_NODE}/has_cpu`), configured),
    possible: maskOf(readText(root, `${SYS_NODE}/possible`), configured),
    memsAllowed: maskOf(status.memsAllowedList, online),
    maxNode: ids.length ? ids[ids.length - 1]! : 0,
    nodemaskBits: nodemaskBits(status.memsAllowed, 64),
    pageSize: pageSizeFromAuxv(root),
  };
}
