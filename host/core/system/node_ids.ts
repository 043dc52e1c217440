import { nodeIds, procStatus } from "./kernel_files.ts";
import { parseKernelList } from "./kernel_list.ts";

/** The node sets a nodestring is read against, as node id lists. */
export interface NodeIds { configured: number[]; allowed: number[] }

/**
 * This process's configured nodes (the nodeN directories in sysfs, libnuma's numa_nodes_ptr)
 * and allowed nodes (Mems_allowed_list in /proc/self/status, libnuma's numa_all_nodes_ptr).
 * Read on each call: cpusets can change. Without NUMA in sysfs, node 0 is both; without
 * /proc, every configured node is allowed.
 * @example
 * ```ts
 * const { configured, allowed } = processNodeIds();
 * expect(allowed.every((n) => configured.includes(n))).toBe(true);
 * ```
 */
export function processNodeIds(root = "/"): NodeIds {
  const ids = nodeIds(root, "sys/devices/system/node");
  const configured = ids?.length ? ids : [0];
  let allowed = configured;
  const list = procStatus(root).memsAllowedList;
  try {
    if (list !== undefined) allowed = parseKernelList(list);
  } catch { /* a list this parser cannot read: every configured node is allowed */ }
  return { configured, allowed };
}
