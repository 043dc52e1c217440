import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * A child cpuset (cgroup v1 at /sys/fs/cgroup/cpuset, or v2 where the cpuset controller is
 * on) limited to `cpus`, and the wrapper command that starts a process inside it; undefined
 * where this machine cannot make one (not root, no cpuset controller).
 */
export function childCpuset(cpus: string): { wrapper: string[]; remove(): void } | undefined {
  const roots = ["/sys/fs/cgroup/cpuset", "/sys/fs/cgroup"];
  for (const root of roots) {
    const v1 = existsSync(join(root, "cpuset.cpus")) && root.endsWith("cpuset");
    const v2 = !v1 && existsSync(join(root, "cgroup.subtree_control"))
      && readFileSync(join(root, "cgroup.subtree_control"), "utf8").includes("cpuset");
    if (!v1 && !v2) continue;
    const dir = join(root, `numabind-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
    try {
      mkdirSync(dir);
      writeFileSync(join(dir, "cpuset.cpus"), cpus);
      if (v1) writeFileSync(join(dir, "cpuset.mems"), readFileSync(join(root, "cpuset.mems"), "utf8"));
    } catch {
      try { rmdirSync(dir); } catch { /* never made */ }
      continue;
    }
    return {
      wrapper: ["sh", "-c", `echo $$ > ${join(dir, "cgroup.procs")} && exec "$@"`, "sh"],
      remove: () => { try { rmdirSync(dir); } catch { /* still busy: the kernel frees it once empty */ } },
    };
  }
  return undefined;
}
