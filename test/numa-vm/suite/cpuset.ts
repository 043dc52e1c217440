// A cgroup v2 cpuset for this process inside the guest (root there, and the guest's own kernel,
// so nothing on the host changes): how a task's allowed nodes shrink and grow on real machines.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const ROOT = "/sys/fs/cgroup";

/** This process in a cpuset of its own; leave() puts it back and removes the cpuset. */
export interface Cpuset {
  /** Sets cpuset.mems ("0-1"); the kernel rebinds every policy of the process at once. */
  setMems(mems: string): void;
  leave(): void;
}

/**
 * Moves this process into a fresh cpuset whose memory nodes are `mems`.
 * @example
 * ```ts
 * const cs = enterCpuset("0-1");
 * try { refreshTopology().memsAllowed.toList(); /* "0-1" *\/ } finally { cs.leave(); }
 * ```
 */
export function enterCpuset(mems: string): Cpuset {
  if (!existsSync(join(ROOT, "cgroup.controllers"))) execFileSync("mount", ["-t", "cgroup2", "cgroup2", ROOT]);
  writeFileSync(join(ROOT, "cgroup.subtree_control"), "+cpuset");
  const dir = join(ROOT, `numa-vm-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const setMems = (m: string): void => {
    writeFileSync(join(dir, "cpuset.mems"), m);
    const now = /Mems_allowed_list:\s*(\S+)/.exec(readFileSync("/proc/self/status", "utf8"))?.[1];
    if (now !== m) throw new Error(`cpuset.mems is ${m} but this process's Mems_allowed_list is ${now}`);
  };
  writeFileSync(join(dir, "cpuset.mems"), mems);
  writeFileSync(join(dir, "cgroup.procs"), String(process.pid));
  setMems(mems);
  return {
    setMems,
    leave() {
      writeFileSync(join(ROOT, "cgroup.procs"), String(process.pid));
      rmdirSync(dir);
    },
  };
}
