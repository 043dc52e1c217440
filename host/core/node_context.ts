import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseKernelList } from "./kernel_list.ts";

/** The node sets a nodestring is read against, as node id lists. */
export interface NodeIds { configured: number[]; allowed: number[] }

/**
 * This process's configured nodes (the nodeN directories in sysfs, libnuma's numa_nodes_ptr)
 * and allowed nodes (Mems_allowed_list in /proc/self/status, libnuma's numa_all_nodes_ptr).
 * Read on each call: cpusets can change. Without NUMA in sysfs, node 0 is both.
 * @example
 * ```ts
 * const { configured, allowed } = processNodeIds();
 * expect(allowed.every((n) => configured.includes(n))).toBe(true);
 * ```
 */
export function processNodeIds(root = "/"): NodeIds {
  let configured: number[];
  try {
    configured = readdirSync(join(root, "sys/devices/system/node")).map((d) => /^node(\d+)$/.exec(d)?.[1])
      .filter((x): x is string => x !== undefined).map(Number).sort((a, b) => a - b);
  } catch { configured = []; }
  if (configured.length === 0) configured = [0];
  let allowed = configured;
  try {
    const status = readFileSync(join(root, "proc/self/status"), "utf8");
    const list = /^Mems_allowed_list:\s*(.*)$/m.exec(status)?.[1];
    if (list !== undefined) allowed = parseKernelList(list);
  } catch { /* no /proc: every configured node is allowed */ }
  return { configured, allowed };
}
