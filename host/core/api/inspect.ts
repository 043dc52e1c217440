import type { Availability } from "../backend/mod.ts";
import type { Context } from "../context.ts";
import { invalid } from "../errors.ts";
import { type NumaMapsEntry, readNumaMaps, type Topology } from "../facts/mod.ts";
import { getPolicyAt, type PolicyInfo } from "../kernel/mod.ts";
import { Nodemask, numaMapsPolicyText, type PolicyInput, toKernelPolicy } from "../policy/mod.ts";
import { describeValue } from "../shapes.ts";
import { bytesOf, extentOf, pageUp, type Target } from "../targets/mod.ts";

/** A plain { addr: bigint, length } object (never a buffer or view). */
function isRawRange(t: unknown): t is { addr: bigint } {
  return typeof t === "object" && t !== null && extentOf(t) === undefined && typeof (t as { addr?: unknown }).addr === "bigint";
}

/** Reading what the kernel says: policies, mappings, topology, availability. */
export interface InspectApi {
  /**
   * The policy of the mapping holding a buffer's first fully-owned page (or its first byte
   * when it owns no whole page), or an address (get_mempolicy with MPOL_F_ADDR). A mapping
   * without a policy of its own reports "default", never the thread's policy.
   * @returns the mode, its flags, and the nodes as the kernel reports them
   * @example Basic usage
   * ```ts
   * import { bind, getPolicy } from "numabind";
   * const ab = new ArrayBuffer(1 << 20);
   * bind(ab, { mode: "interleave", nodes: [0] });
   * expect(getPolicy(ab)).toMatchObject({ mode: "interleave" });
   * ```
   */
  getPolicy(target: Target | bigint): PolicyInfo;
  /**
   * /proc/PID/numa_maps parsed, one entry per mapping, with its end from /proc/PID/maps.
   * @param pid the process (default: this one)
   * @example Basic usage
   * ```ts
   * import { numaMaps } from "numabind";
   * const mine = numaMaps().filter((e) => e.mode === "bind");
   * expect(mine.every((e) => e.nodes.length > 0)).toBe(true);
   * ```
   */
  numaMaps(pid?: number): NumaMapsEntry[];
  /**
   * The policy text /proc/PID/numa_maps prints for a mapping with this policy (the kernel's
   * mpol_to_str, over the nodes the policy keeps here): "bind:0-1", "interleave=static:0",
   * "prefer (many):2", "local", "default". A mapping bound to "default" has no policy of its
   * own, and numa_maps prints the task's policy there: pass it as `taskPolicy` (for this
   * thread, getThreadPolicy()) when it is not the default.
   * @example Basic usage
   * ```ts
   * import { alloc, numaMaps, numaMapsText } from "numabind";
   * const policy = { mode: "bind", nodes: [0] } as const;
   * const buf = alloc(1 << 20, policy);
   * new Uint8Array(buf).fill(1);
   * expect(numaMaps().some((e) => e.policy === numaMapsText(policy))).toBe(true);
   * ```
   */
  numaMapsText(policy: PolicyInput, taskPolicy?: PolicyInput): string;
  /**
   * The machine's NUMA layout and this process's view of it (read once, then cached): nodes
   * with CPUs, memory and distances, the online, with-memory, possible and allowed node sets,
   * the nodemask width and the page size.
   * @example Basic usage
   * ```ts
   * import { topology } from "numabind";
   * expect(topology().withMemory.has(0)).toBe(true);
   * ```
   */
  topology(): Topology;
  /**
   * Re-reads the topology (after a cpuset change, say); later calls check against it.
   * @example Basic usage
   * ```ts
   * import { refreshTopology } from "numabind";
   * expect(refreshTopology().memsAllowed.isEmpty).toBe(false);
   * ```
   */
  refreshTopology(): Topology;
  /**
   * Whether binding works here: ok, the backend and its path ("shim": C batch calls,
   * "syscall": one libc syscall per op), what each probed syscall answered, how many nodes
   * this process may use, and a reason to act on when not ok (ENOSYS: no NUMA in this
   * kernel; EPERM: a seccomp profile, as Docker's default without CAP_SYS_NICE).
   * @example Basic usage
   * ```ts
   * import { available } from "numabind";
   * const a = available();
   * if (!a.ok) console.warn(`numabind cannot bind here: ${a.reason}`);
   * ```
   */
  available(): Availability;
}

/**
 * Builds the inspection group over a context (createNumabind merges it into the API).
 * @example Basic usage
 * ```ts
 * const { topology } = inspectApi(createContext(openBackend()));
 * expect(topology().nodes.length).toBeGreaterThan(0);
 * ```
 */
export function inspectApi(ctx: Context): InspectApi {
  return {
    getPolicy(target) {
      let addr: bigint;
      if (typeof target === "bigint") {
        if (target < 0n || target > 0xffffffffffffffffn) throw invalid("target", `Cannot read a policy: an address must be in 0..2^64-1, current value is ${target}`);
        addr = target;
      } else if (isRawRange(target)) {
        // Reading touches nothing: a raw range needs no unsafeRawAddress here.
        addr = target.addr;
        if (addr < 0n || addr > 0xffffffffffffffffn) throw invalid("target.addr", `Cannot read a policy: an address must be in 0..2^64-1, current value is ${addr}`);
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
    numaMaps(pid) {
      if (pid !== undefined && (typeof pid !== "number" || !Number.isInteger(pid) || pid < 1 || pid > 0x7fffffff)) {
        throw new RangeError(`Cannot read numa_maps: pid must be an integer in 1..2^31-1 (or left out for this process), current value is ${describeValue(pid)}`);
      }
      return readNumaMaps(pid ?? "self");
    },
    numaMapsText(policy, taskPolicy) {
      const usable = ctx.facts().usable;
      const text = (p: PolicyInput, arg: string, task?: string): string => {
        const k = toKernelPolicy(p, arg);
        return numaMapsPolicyText(k.mode, k.mask ?? Nodemask.EMPTY, usable, task);
      };
      return text(policy, "policy", taskPolicy === undefined ? undefined : text(taskPolicy, "taskPolicy"));
    },
    topology: () => ctx.topology(),
    refreshTopology: () => ctx.refreshTopology(),
    available() {
      const a = ctx.backend.probe();
      const t = ctx.topology();
      return { ...a, backend: ctx.backend.name, nodes: t.memsAllowed.intersect(t.withMemory).size };
    },
  };
}
