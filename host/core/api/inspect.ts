import { pageUp } from "../_pages.ts";
import type { Availability } from "../backend.ts";
import type { Context } from "../context.ts";
import { invalid } from "../errors.ts";
import { getPolicyAt, type PolicyInfo } from "../get_policy.ts";
import { readNumaMaps, type NumaMapsEntry } from "../numa_maps.ts";
import { bytesOf, type Target } from "../target.ts";
import type { Topology } from "../topology.ts";

/** Reading what the kernel says: policies, mappings, topology, availability. */
export interface InspectApi {
  getPolicy(target: Target | bigint): PolicyInfo;
  numaMaps(pid?: number): NumaMapsEntry[];
  topology(): Topology;
  /** Re-reads the topology (after a cpuset change, say); later calls check against it. */
  refreshTopology(): Topology;
  /**
   * Whether binding works here: ok, the backend and its path ("shim": C batch calls,
   * "syscall": one libc syscall per op), what each probed syscall answered, how many nodes
   * this process may use, and a reason to act on when not ok (ENOSYS: no NUMA in this
   * kernel; EPERM: a seccomp profile, as Docker's default without CAP_SYS_NICE).
   */
  available(): Availability;
}

export function inspectApi(ctx: Context): InspectApi {
  return {
    getPolicy(target) {
      let addr: bigint;
      if (typeof target === "bigint") {
        if (target < 0n || target > 0xffffffffffffffffn) throw invalid("target", `Cannot read a policy: an address must be in 0..2^64-1, current value is ${target}`);
        addr = target;
      } else {
        // The first page the target fully owns, or its first byte if it owns none.
        const u8 = bytesOf(target, "target");
        const page = BigInt(ctx.facts().pageSize);
        const start = ctx.addressOf(u8);
        const firstOwned = pageUp(start, page);
        addr = firstOwned + page <= start + BigInt(u8.byteLength) ? firstOwned : start;
      }
      return getPolicyAt(ctx.backend, addr, ctx.maskWords());
    },
    numaMaps: (pid) => readNumaMaps(pid ?? "self"),
    topology: () => ctx.topology(),
    refreshTopology: () => ctx.refreshTopology(),
    available() {
      const a = ctx.backend.probe();
      const t = ctx.topology();
      return { ...a, backend: ctx.backend.name, nodes: t.memsAllowed.intersect(t.withMemory).size };
    },
  };
}
