import type { Context } from "../context.ts";
import { Cpumask, type CpuFacts, readCpuFacts } from "../cpus/mod.ts";
import { invalid, NumaError, unsupported } from "../errors.ts";
import { getPolicyAt, kernelError } from "../kernel/mod.ts";
import { fitsMapBudget, mapBudgetError } from "../plan/mod.ts";
import { Nodemask } from "../policy/mod.ts";
import { checkOptions, describeValue } from "../shapes.ts";
import { pageDown, pageUp, resolveTarget, type Target } from "../targets/mod.ts";

/** Where the calling thread runs, and the node a bound range prefers. */
export interface PlacementApi {
  /**
   * The CPUs the calling thread may run on (sched_getaffinity): the JS main thread's, or
   * the calling worker's own.
   * @example Basic usage
   * ```ts
   * import { getAffinity } from "numabind";
   * expect(getAffinity().size).toBeGreaterThan(0);
   * ```
   */
  getAffinity(): Cpumask;
  /**
   * Pins the calling thread to CPUs (sched_setaffinity), checked first: every CPU must exist
   * and be in this task's cpuset. Threads the calling thread starts afterwards inherit it.
   * @param cpus a Cpumask, a cpustring ("0-3", "!0", "+1") or a number[]
   * @returns the CPUs the kernel applied (read back)
   * @example Basic usage
   * ```ts
   * import { getAffinity, setAffinity } from "numabind";
   * const all = getAffinity();
   * expect(setAffinity([all.toArray()[0]!]).size).toBe(1);
   * setAffinity(all);
   * ```
   */
  setAffinity(cpus: Cpumask | string | readonly number[]): Cpumask;
  /**
   * Pins the calling thread to the CPUs of nodes (numa_run_on_node), within the cpuset.
   * @param nodes a Nodemask, a nodestring or a number[]
   * @returns the CPUs applied
   * @example Basic usage
   * ```ts
   * import { runOnNodes } from "numabind";
   * expect(runOnNodes([0]).size).toBeGreaterThan(0);
   * ```
   */
  runOnNodes(nodes: Nodemask | string | readonly number[]): Cpumask;
  /**
   * The CPU and node the calling thread runs on now (getcpu); it may move right after.
   * @example Basic usage
   * ```ts
   * import { currentCpu, getAffinity } from "numabind";
   * expect(getAffinity().has(currentCpu().cpu)).toBe(true);
   * ```
   */
  currentCpu(): { cpu: number; node: number };
  /**
   * The CPUs of nodes, from sysfs (nodeN/cpulist); a memory-only node has none.
   * @example Basic usage
   * ```ts
   * import { cpusOf } from "numabind";
   * expect(cpusOf("0").size).toBeGreaterThan(0);
   * ```
   */
  cpusOf(nodes: Nodemask | string | readonly number[]): Cpumask;
  /**
   * Sets the home node of a range bound with mode bind or preferred-many
   * (set_mempolicy_home_node, Linux 5.17+): its pages are taken from the home node first,
   * then from the policy's other nodes nearest to it. A buffer acts on the pages it owns.
   * @example Basic usage
   * ```ts
   * import { alloc, setHomeNode } from "numabind";
   * const buf = alloc(1 << 20, { mode: "bind", nodes: [0] });
   * setHomeNode(buf, 0);
   * ```
   */
  setHomeNode(target: Target, node: number, opts?: { unsafeRawAddress?: boolean }): void;
}

/**
 * A node set from the forms a caller may pass, every node configured here.
 * @example
 * ```ts
 * expect(nodesArg([0], "nodes", ctx).toList()).toBe("0");
 * ```
 */
export function nodesArg(ctx: Context, x: unknown, arg: string): Nodemask {
  const t = ctx.topology();
  const configured = Nodemask.of(...t.nodes.map((n) => n.id));
  let m: Nodemask;
  if (Nodemask.isNodemask(x)) m = x;
  else if (typeof x === "string") m = Nodemask.parse(x, { configured, allowed: t.memsAllowed.union(t.withCpus) }, arg);
  else if (Array.isArray(x)) {
    x.forEach((n, i) => {
      if (typeof n !== "number" || !Number.isInteger(n) || n < 0 || n > 32767) throw new RangeError(`Cannot use ${arg}[${i}]: nodes must be integers in 0..32767, current value is ${describeValue(n)}`);
    });
    m = Nodemask.of(...(x as number[]));
  } else throw new TypeError(`Cannot use ${arg}: nodes must be a Nodemask, a nodestring or a number[], current value is ${describeValue(x)}`);
  if (m.isEmpty) throw invalid(arg, `Cannot use ${arg}: it names no node`);
  const missing = m.difference(configured);
  if (!missing.isEmpty) throw invalid(arg, `Cannot use ${arg}: node ${missing.toList()} is not configured on this machine (configured nodes: ${configured.toList()})`);
  return m;
}

/** The CPUs of the nodes in `m` (sysfs cpulists, as topology() read them). */
export function cpusOfNodes(ctx: Context, m: Nodemask): Cpumask {
  const cpus: number[] = [];
  for (const n of ctx.topology().nodes) if (m.has(n.id)) cpus.push(...n.cpus);
  return Cpumask.of(...cpus);
}

function requireHook<K extends "getAffinity" | "setAffinity" | "getCpu" | "setHomeNode">(ctx: Context, k: K, action: string, syscall: string): NonNullable<Context["backend"][K]> {
  const h = ctx.backend[k];
  if (!h) throw unsupported(action, ctx.backend.name, syscall);
  return h as NonNullable<Context["backend"][K]>;
}

function readAffinity(ctx: Context, f: CpuFacts): Cpumask {
  const get = requireHook(ctx, "getAffinity", "read the CPU affinity", "sched_getaffinity");
  const mask = new Uint8Array(f.maskBytes);
  const r = get(mask);
  if (r < 0) throw kernelError({ syscall: "sched_getaffinity", errno: -r, action: "read the CPU affinity" });
  return Cpumask.fromBytes(mask.subarray(0, r));
}

function applyAffinity(ctx: Context, cpus: Cpumask, f: CpuFacts, arg: string): Cpumask {
  if (cpus.isEmpty) throw invalid(arg, `Cannot set the CPU affinity: ${arg} names no CPU`);
  const absent = cpus.difference(f.possible);
  if (!absent.isEmpty) throw invalid(arg, `Cannot set the CPU affinity: CPU ${absent.toList()} does not exist here (possible CPUs: ${f.possible.toList()}), current value is ${cpus.toList()}`);
  const outside = cpus.difference(f.cpuset);
  if (!outside.isEmpty) throw invalid(arg, `Cannot set the CPU affinity: CPU ${outside.toList()} is outside this task's cpuset (cpuset CPUs: ${f.cpuset.toList()}), current value is ${cpus.toList()}`);
  const set = requireHook(ctx, "setAffinity", "set the CPU affinity", "sched_setaffinity");
  const r = set(cpus.toBytes(f.maskBytes));
  if (r < 0) throw kernelError({ syscall: "sched_setaffinity", errno: -r, action: "set the CPU affinity", arg });
  return readAffinity(ctx, f);
}

/**
 * Builds the placement group over a context (createNumabind merges it into the API).
 * @example Basic usage
 * ```ts
 * const { currentCpu } = placementApi(createContext(openBackend()));
 * expect(currentCpu().node).toBeGreaterThanOrEqual(0);
 * ```
 */
export function placementApi(ctx: Context): PlacementApi {
  const cpuCtx = (f: CpuFacts) => ({ possible: f.possible, allowed: f.cpuset });
  const out = new Uint8Array(8), out32 = new Uint32Array(out.buffer);
  return {
    getAffinity: () => readAffinity(ctx, readCpuFacts()),
    setAffinity(cpus) {
      const f = readCpuFacts();
      return applyAffinity(ctx, Cpumask.from(cpus, "cpus", cpuCtx(f)), f, "cpus");
    },
    runOnNodes(nodes) {
      const m = nodesArg(ctx, nodes, "nodes"), f = readCpuFacts();
      const cpus = cpusOfNodes(ctx, m);
      if (cpus.isEmpty) throw invalid("nodes", `Cannot run on node ${m.toList()}: it has no CPUs (a memory-only node); nodes with CPUs: ${ctx.topology().withCpus.toList()}`);
      const mine = cpus.intersect(f.cpuset);
      if (mine.isEmpty) throw invalid("nodes", `Cannot run on node ${m.toList()}: none of its CPUs (${cpus.toList()}) is in this task's cpuset (cpuset CPUs: ${f.cpuset.toList()})`);
      return applyAffinity(ctx, mine, f, "nodes");
    },
    currentCpu() {
      const r = requireHook(ctx, "getCpu", "read the current CPU", "getcpu")(out);
      if (r < 0) throw kernelError({ syscall: "getcpu", errno: -r, action: "read the current CPU" });
      return { cpu: out32[0]!, node: out32[1]! };
    },
    cpusOf: (nodes) => cpusOfNodes(ctx, nodesArg(ctx, nodes, "nodes")),
    setHomeNode(target, node, opts = {}) {
      ctx.engine.refuseWhileApplying("set a home node");
      checkOptions(opts, ["unsafeRawAddress"], "setHomeNode() options");
      const t = ctx.topology();
      if (typeof node !== "number" || !Number.isInteger(node) || node < 0) {
        throw new TypeError(`Cannot set a home node: node must be a non-negative integer, current value is ${describeValue(node)}`);
      }
      if (!t.online.has(node)) throw invalid("node", `Cannot set a home node: node ${node} is not online (online nodes: ${t.online.toList()})`);
      const r = resolveTarget(target, "target", ctx.addressOf, !!opts.unsafeRawAddress);
      const page = BigInt(t.pageSize);
      const first = r.kind ? pageUp(r.addr, page) : r.addr, end = r.kind ? pageDown(r.addr + r.length, page) : r.addr + r.length;
      if (!r.kind && r.addr % page !== 0n) throw invalid("target", `Cannot set a home node: a raw range must start on a page boundary (${t.pageSize} bytes), current value is 0x${r.addr.toString(16)}`);
      if (end <= first) throw invalid("target", `Cannot set a home node: the target owns no whole page`);
      // The kernel's own refusal comes after a scan; say it first, from the first page's policy.
      const now = getPolicyAt(ctx.backend, first, ctx.maskWords()).mode;
      if (now !== "bind" && now !== "preferred-many") {
        throw new NumaError(`Cannot set a home node: ${now === "default" ? "the range has no policy of its own" : `the range's policy is ${now}`}; a home node applies to ranges bound with mode bind or preferred-many`,
          { code: now === "default" ? "ENOENT" : "EOPNOTSUPP", syscall: "validate", arg: "target" });
      }
      const k = ctx.facts().kernel;
      if (k && !fitsMapBudget(k, 2)) throw mapBudgetError(k, 2, "set a home node", "target");
      const rc = requireHook(ctx, "setHomeNode", "set a home node", "set_mempolicy_home_node")(first, end - first, node);
      if (rc < 0) throw kernelError({ syscall: "set_mempolicy_home_node", errno: -rc, action: "set a home node", arg: "target", range: { addr: first, length: end - first } });
    },
  };
}
