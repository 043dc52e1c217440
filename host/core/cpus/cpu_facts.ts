import { readText } from "../system/mod.ts";
import { Cpumask } from "./cpumask.ts";

/**
 * CPUs that exist (possible), are online, and that this task's cpuset allows, as sysfs and
 * the cgroup files say; and the cpumask width sched_getaffinity needs.
 */
export interface CpuFacts {
  possible: Cpumask;
  online: Cpumask;
  /** The cpuset's CPUs: sched_setaffinity keeps only these (and online ones). */
  cpuset: Cpumask;
  /** Bytes of a cpumask for the affinity calls: nr_cpu_ids bits, in u64 words. */
  maskBytes: number;
}

const CPU = "/sys/devices/system/cpu";

/**
 * The cpuset's CPUs: cgroup v2's cpuset.cpus.effective (or v1's cpuset.effective_cpus) of
 * this process's cgroup, else the online CPUs (no cpuset limits them). Not Cpus_allowed of
 * /proc/self/status: that is the main thread's affinity, which setAffinity() changes.
 */
function cpusetCpus(online: Cpumask): Cpumask {
  const cg = readText("/", "/proc/self/cgroup") ?? "";
  for (const line of cg.split("\n")) {
    const [, ctrls, path] = line.split(":");
    if (path === undefined) continue;
    const files = ctrls === "" ? [`/sys/fs/cgroup${path}/cpuset.cpus.effective`]
      : ctrls!.split(",").includes("cpuset") ? [`/sys/fs/cgroup/cpuset${path}/cpuset.effective_cpus`, `/sys/fs/cgroup/cpuset${path}/cpuset.cpus`] : [];
    for (const f of files) {
      const t = readText("/", f)?.trim();
      if (t) return Cpumask.fromList(t, f).intersect(online);
    }
  }
  return online;
}

/**
 * Reads the CPU facts of this machine and task.
 * @example Basic usage
 * ```ts
 * const f = readCpuFacts();
 * expect(f.cpuset.isSubsetOf(f.online)).toBe(true);
 * ```
 */
export function readCpuFacts(): CpuFacts {
  const list = (name: string): Cpumask => Cpumask.fromList(readText("/", `${CPU}/${name}`)?.trim() ?? "0", `${CPU}/${name}`);
  const possible = list("possible"), online = list("online");
  const top = possible.toArray().at(-1) ?? 0;
  return { possible, online, cpuset: cpusetCpus(online), maskBytes: (Math.floor(top / 64) + 1) * 8 };
}
