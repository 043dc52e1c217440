import type { Backend } from "./backend/mod.ts";
import { Engine } from "./engine/mod.ts";
import { readKernelFacts, readTopology, type Topology } from "./facts/mod.ts";
import { Allocations, getMempolicy, MPOL_F_MEMS_ALLOWED } from "./kernel/mod.ts";
import { BoundBuffers } from "./lifetime/mod.ts";
import type { PlanContext, PlanFacts } from "./plan/mod.ts";
import { Nodemask } from "./policy/mod.ts";
import { system } from "./system/mod.ts";
import { bufferBases, bufferLength } from "./targets/mod.ts";

/**
 * What every API group shares: the backend, one engine instance, the allocation registry and
 * the facts read from this process (cached; refreshTopology() re-reads them).
 */
export interface Context extends PlanContext {
  readonly backend: Backend;
  readonly engine: Engine;
  readonly allocations: Allocations;
  /** Buffers numabind has bound, whose policies end when they are collected (lifetime/). */
  readonly bound: BoundBuffers;
  /** Address of a view's first byte: one FFI call per buffer, then cached. */
  addressOf(u8: Uint8Array): bigint;
  /** A non-empty buffer's base address as a number, or undefined when it reaches past 2^53 (cached). */
  bufferBase(buf: ArrayBufferLike): number | undefined;
  topology(): Topology;
  refreshTopology(): Topology;
  /** Facts the planner checks requests against (topology, kernel rules, VMA budget). */
  facts(): PlanFacts;
  /** u64 words of mask that cover every possible node (get_mempolicy needs nr_node_ids bits). */
  maskWords(): number;
  /**
   * The nodes an mbind issued now would keep: this task's Mems_allowed, read fresh with one
   * get_mempolicy(MPOL_F_MEMS_ALLOWED) (a cpuset may have changed since the topology was
   * read), intersected with the nodes that have memory. Comparing a policy with what the
   * kernel reports needs the set the kernel would use now; a stale one could call a changed
   * range unchanged. Falls back to the cached facts if the call fails.
   */
  usableNow(): Nodemask;
}

/**
 * Builds the shared context over a backend.
 * @example
 * ```ts
 * const ctx = createContext(openBackend());
 * expect(ctx.facts().pageSize).toBeGreaterThan(0);
 * ```
 */
export function createContext(backend: Backend): Context {
  const engine = new Engine();
  const allocations = new Allocations(backend);
  const { addressOf, bufferBase } = bufferBases((u8) => backend.addressOf(u8));
  const sharedPool = system().sharedPool;
  let topo: Topology | undefined;
  let facts: PlanFacts | undefined;
  let maskWords = 1;

  const refreshTopology = (): Topology => {
    topo = readTopology();
    maskWords = Math.floor((topo.possible.toArray().at(-1) ?? 0) / 64) + 1;
    facts = {
      pageSize: topo.pageSize, usable: topo.memsAllowed.intersect(topo.withMemory), addressOf, bufferBase,
      configured: Nodemask.of(...topo.nodes.map((n) => n.id)), allowed: topo.memsAllowed, online: topo.online,
      kernel: readKernelFacts(),
      isFreed: (buf) => allocations.isFreed(buf as ArrayBuffer),
      ...(sharedPool ? { isSharedPool: (buf: ArrayBufferLike) => sharedPool(buf, bufferLength(buf) ?? 0) } : {}),
    };
    return topo;
  };
  const topology = (): Topology => topo ?? refreshTopology();
  const bound = new BoundBuffers(backend, () => ctx.facts());
  const ctx: Context = {
    backend, engine, allocations, bound, addressOf, bufferBase, topology, refreshTopology,
    facts: () => { topology(); return facts!; },
    maskWords: () => { topology(); return maskWords; },
    usableNow() {
      try {
        return getMempolicy(backend, 0n, MPOL_F_MEMS_ALLOWED, ctx.maskWords()).mask.intersect(topology().withMemory);
      } catch {
        return ctx.facts().usable;
      }
    },
  };
  return ctx;
}
