import {
  MPOL_F_RELATIVE_NODES, MPOL_MF_MOVE, MPOL_MF_MOVE_ALL, V_NODES_UNUSABLE, V_NOOP, V_OK,
} from "../../../assembly/abi.ts";
import { seccompHint } from "../backend/mod.ts";
import { sharedEngine } from "../engine/mod.ts";
import { type AddressRange, errnoName, NumaError } from "../errors.ts";
import { readKernelFacts, readTopology, type Topology } from "../facts/mod.ts";
import { ruleMessage, ruleVerdict } from "../plan/mod.ts";
import type { Nodemask } from "../policy/mod.ts";
import { hasCapSysNice, mapCount, maxMapCount } from "../system/mod.ts";

/** What numabind knows about a failed syscall, to explain it. */
export interface KernelFailure {
  syscall: string;
  /** Positive errno. */
  errno: number;
  /** What the caller asked for, as "Cannot <action>": "bind requests[3]", "move pages". */
  action: string;
  arg?: string;
  range?: AddressRange;
  index?: number;
  /** The policy in kernel form (mode | mode flags, mask), for mbind and set_mempolicy. */
  mode?: number;
  mask?: Nodemask | null;
  /** mbind MPOL_MF_* or move_pages flags. */
  flags?: number;
  /** Target nodes (move_pages, migrate_pages). */
  nodes?: number[];
  pid?: number;
  /** Facts to explain EINVAL with; read fresh when absent. */
  topology?: Topology;
}

const hex = (n: bigint): string => `0x${n.toString(16)}`;
const where = (f: KernelFailure): string => (f.range ? ` ${hex(f.range.addr)}+${f.range.length}` : "");

/**
 * Why the kernel refused a policy: the engine's verdict on the call under the facts that hold
 * now (the rules live only there, assembly/validate.ts), in the words plan() uses for the
 * same refusal, and for unusable nodes, what each node lacks.
 */
function explainEinval(f: KernelFailure): string {
  const t = f.topology ?? readTopology();
  const usable = t.memsAllowed.intersect(t.withMemory);
  const mask = f.mask ?? null;
  if (f.mode !== undefined) {
    const kernel = readKernelFacts();
    const range = f.syscall === "mbind" ? f.range : undefined;
    const verdict = ruleVerdict(sharedEngine(), { mode: f.mode, mask, flags: f.flags ?? 0, ...(range ? { range } : {}) }, kernel, usable, t.pageSize);
    if (verdict !== V_OK && verdict !== V_NOOP) {
      const { rule } = ruleMessage(verdict, {
        mode: f.mode, nodes: mask?.toList() ?? "", flags: f.flags ?? 0, usable: usable.toList(),
        maxNumNodes: kernel.maxNumNodes, mpolMax: kernel.mpolMax, kernelPage: t.pageSize, balancingModes: kernel.balancingModes,
      });
      return verdict === V_NODES_UNUSABLE ? `${rule}; ${nodeStates(mask?.toArray() ?? [], t)}` : rule;
    }
  }
  // No mode (move_pages, migrate_pages), or the rules accept the call under today's facts.
  const nodes = mask ? mask.toArray() : f.nodes ?? [];
  const relative = f.mode !== undefined && (f.mode & MPOL_F_RELATIVE_NODES) !== 0;
  if (nodes.length && !relative && !nodes.some((n) => usable.has(n))) return nodeStates(nodes, t);
  return "the kernel refused the policy or range with EINVAL, and none of numabind's known causes applies";
}

/** What each of `nodes` lacks to be usable: online, memory, a place in Mems_allowed. */
function nodeStates(nodes: number[], t: Topology): string {
  const parts: string[] = [];
  const offline = nodes.filter((n) => !t.online.has(n));
  const memless = nodes.filter((n) => t.online.has(n) && !t.withMemory.has(n));
  const outside = nodes.filter((n) => t.online.has(n) && !t.memsAllowed.has(n));
  if (offline.length) parts.push(`node ${offline.join(",")} ${offline.length > 1 ? "are" : "is"} not online (online: ${t.online.toList()})`);
  if (memless.length) parts.push(`node ${memless.join(",")} ${memless.length > 1 ? "have" : "has"} no memory (nodes with memory: ${t.withMemory.toList()})`);
  if (outside.length) parts.push(`node ${outside.join(",")} ${outside.length > 1 ? "are" : "is"} outside this task's Mems_allowed (${t.memsAllowed.toList()}): a cpuset or cgroup cpuset.mems restricts this process (see /proc/self/status)`);
  parts.push("a policy needs at least one node that is online, has memory and is allowed; if the cpuset changed, call refreshTopology()");
  return parts.join("; ");
}

/** Mappings from vm.max_map_count within which an ENOMEM is put down to the limit. */
const NEAR_LIMIT = 1024;

function explainEnomem(): string {
  const count = mapCount(), limit = maxMapCount();
  // Near the limit rather than at it: later ops of a continueOnError batch may have merged
  // mappings back before this explanation reads the count.
  if (count !== undefined && limit !== undefined && count + NEAR_LIMIT >= limit) {
    return `the process has ${count} mappings and vm.max_map_count is ${limit}: binding part of a mapping splits it (up to 2 new mappings per range); coalesce neighbouring ranges that share a policy, bind fewer, larger ranges, or raise vm.max_map_count (a system setting). Ops before this one stay applied, so the process is at the limit now, where the runtime's own mappings can fail: bind the region to one policy again to merge its mappings back`;
  }
  return `the kernel ran out of memory for the call (the process has ${count ?? "?"} mappings; vm.max_map_count is ${limit ?? "?"})`;
}

/**
 * The explanation for one errno of one syscall, in words a user can act on.
 * @example
 * ```ts
 * expect(explainErrno({ syscall: "migrate_pages", errno: 3, action: "migrate", pid: 42 })).toBe("no process with pid 42 (it may have exited)");
 * ```
 */
export function explainErrno(f: KernelFailure): string {
  const moveAll = f.flags !== undefined && (f.flags & MPOL_MF_MOVE_ALL) !== 0;
  switch (errnoName(f.errno)) {
    case "EINVAL":
      if (f.syscall === "sched_setaffinity") return "none of those CPUs is online and in this task's cpuset";
      if (f.syscall === "set_mempolicy_home_node") return "the home node is offline, or the range is not page-aligned";
      return explainEinval(f);
    case "ENOENT": return f.syscall === "set_mempolicy_home_node"
      ? "the range has no policy of its own: bind it with mode bind or preferred-many first" : "no such entry";
    case "EOPNOTSUPP": return "a home node applies to ranges bound with mode bind or preferred-many only";
    case "EFAULT": return f.syscall === "get_mempolicy" || f.syscall === "move_pages"
      ? "the address is not mapped in this process"
      : "part of the range is not mapped: it has a hole or lies outside any mapping (was the memory unmapped?)";
    case "EIO": return f.flags !== undefined && (f.flags & (MPOL_MF_MOVE | MPOL_MF_MOVE_ALL))
      ? "strict: some pages could not be migrated to the policy's nodes (pinned, busy, or shared without moveAll)"
      : "strict: some pages of the range already sit on nodes outside the policy; add { move: true } to migrate them, or drop strict";
    case "EPERM":
      if (moveAll && hasCapSysNice() === false) return "moveAll needs CAP_SYS_NICE, which this process lacks; use { move: true } (it moves only pages this process alone maps) or grant CAP_SYS_NICE";
      if (f.syscall === "migrate_pages" || (f.syscall === "move_pages" && f.pid)) {
        return `this process may not move the pages of pid ${f.pid}: it needs ptrace access to it (same user, or CAP_SYS_PTRACE), and CAP_SYS_NICE to move them outside that process's cpuset; or ${seccompHint(f.syscall)}`;
      }
      return seccompHint(f.syscall);
    case "ENOMEM": return explainEnomem();
    case "ENOSYS": return f.syscall === "set_mempolicy_home_node"
      ? "the kernel is older than Linux 5.17, which brought set_mempolicy_home_node"
      : `the kernel has no ${f.syscall} (built without CONFIG_NUMA, or an emulation such as WSL1 that lacks it)`;
    case "ENODEV": return `target node ${(f.nodes ?? []).join(",") || "?"} is not online or does not exist (online: ${(f.topology ?? readTopology()).online.toList()})`;
    case "ESRCH": return `no process with pid ${f.pid ?? "?"} (it may have exited)`;
    case "EACCES": return `target node ${(f.nodes ?? []).join(",") || "?"} is outside the cpuset (Mems_allowed) of ${f.pid ? `pid ${f.pid}` : "this process"}; pages listed before the refused one may already have moved (the kernel moves what it queued, then fails the call), so check with locate()`;
    case "E2BIG": return "the node mask is wider than the kernel accepts";
    default: return `the kernel refused ${f.syscall}`;
  }
}

/**
 * The NumaError for a kernel failure: code, errno, syscall, the argument and range at fault,
 * and an explanation from what holds now (topology, map count, capabilities, seccomp).
 * @example
 * ```ts
 * const e = kernelError({ syscall: "mbind", errno: 14, action: "bind target", range: { addr: 4096n, length: 4096n } });
 * expect(e.code).toBe("EFAULT");
 * expect(e.message).toMatch(/not mapped/);
 * ```
 */
export function kernelError(f: KernelFailure): NumaError {
  const code = errnoName(f.errno);
  return new NumaError(`Cannot ${f.action}: ${f.syscall}${where(f)} failed with ${code}: ${explainErrno(f)}`, {
    code, errno: f.errno, syscall: f.syscall,
    ...(f.arg !== undefined ? { arg: f.arg } : {}),
    ...(f.range ? { range: f.range } : {}),
    ...(f.index !== undefined ? { index: f.index } : {}),
  });
}
