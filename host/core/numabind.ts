import { Allocations } from "./alloc.ts";
import type { Availability, Backend } from "./backend.ts";
import { applyPlan, failureError, type BatchOptions, type BatchResult } from "./bind.ts";
import { Engine } from "./engine.ts";
import { invalid } from "./errors.ts";
import { getPolicyAt, type PolicyInfo } from "./get_policy.ts";
import { readNumaMaps, type NumaMapsEntry } from "./numa_maps.ts";
import { planInEngine, planRequests, type BindRequest, type Plan, type PlanFacts, type PlanOptions } from "./plan.ts";
import type { BindFlags, Policy } from "./policy.ts";
import { bytesOf, type Target } from "./target.ts";
import { readTopology, type Topology } from "./topology.ts";

/** Per-call options of bind(). */
export type BindOptions = Pick<PlanOptions, "unsafeRawAddress" | "pageSize">;

/** The public API over one backend. */
export interface Numabind {
  readonly backend: Backend;
  plan(requests: readonly BindRequest[], opts?: PlanOptions): Plan;
  bind(target: Target, policy: Policy, flags?: BindFlags, opts?: BindOptions): void;
  bindBatch(requests: readonly BindRequest[], opts?: PlanOptions & BatchOptions): BatchResult;
  getPolicy(target: Target | bigint): PolicyInfo;
  numaMaps(pid?: number): NumaMapsEntry[];
  alloc(bytes: number | bigint, policy: Policy, flags?: BindFlags): ArrayBuffer;
  free(buffer: ArrayBuffer): void;
  isFreed(buffer: ArrayBuffer): boolean;
  topology(): Topology;
  /** Re-reads the topology (after a cpuset change, say); later calls check against it. */
  refreshTopology(): Topology;
  available(): Availability;
}

/** Largest alloc() the core accepts; a backend may refuse less (Node's Buffer limit). */
const MAX_ALLOC = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Builds the API over a backend. The package entry calls this once with the backend chosen
 * for the runtime; tests and tools may build their own over another backend.
 * @example
 * ```ts
 * const nb = createNumabind(openBackend());
 * const buf = nb.alloc(1 << 20, { mode: "bind", nodes: [0] });
 * ```
 */
export function createNumabind(backend: Backend): Numabind {
  const engine = new Engine();
  const allocations = new Allocations(backend);
  let topo: Topology | undefined;
  let facts: PlanFacts | undefined;

  // A buffer's backing store never moves, so one FFI call per buffer finds every view's address.
  const bases = new WeakMap<ArrayBufferLike, bigint>();
  const addressOf = (u8: Uint8Array): bigint => {
    let base = bases.get(u8.buffer);
    if (base === undefined) {
      base = backend.addressOf(new Uint8Array(u8.buffer));
      bases.set(u8.buffer, base);
    }
    return base + BigInt(u8.byteOffset);
  };

  const refreshTopology = (): Topology => {
    topo = readTopology();
    facts = { pageSize: topo.pageSize, usable: topo.memsAllowed.intersect(topo.withMemory), addressOf };
    return topo;
  };
  const getFacts = (): PlanFacts => { if (!facts) refreshTopology(); return facts!; };
  // get_mempolicy needs maxnode >= nr_node_ids (highest possible node + 1).
  const maskWords = (): number => Math.floor(((topo ?? refreshTopology()).possible.toArray().at(-1) ?? 0) / 64) + 1;

  const bindBatch = (requests: readonly BindRequest[], opts: PlanOptions & BatchOptions = {}): BatchResult =>
    applyPlan(backend, planInEngine(engine, requests, opts, getFacts()), !!opts.continueOnError);

  const bind = (target: Target, policy: Policy, flags?: BindFlags, opts: BindOptions = {}): void => {
    const r = bindBatch([flags === undefined ? { target, policy } : { target, policy, flags }], opts);
    if (!r.ok) throw failureError(r.failed[0]!);
  };

  const getPolicy = (target: Target | bigint): PolicyInfo => {
    let addr: bigint;
    if (typeof target === "bigint") addr = target;
    else {
      const u8 = bytesOf(target, "target");
      const page = BigInt(getFacts().pageSize);
      const start = addressOf(u8);
      const firstOwned = (start + page - 1n) / page * page;
      addr = firstOwned + page <= start + BigInt(u8.byteLength) ? firstOwned : start;
    }
    return getPolicyAt(backend, addr, maskWords());
  };

  const alloc = (bytes: number | bigint, policy: Policy, flags?: BindFlags): ArrayBuffer => {
    if ((typeof bytes !== "number" || !Number.isSafeInteger(bytes)) && typeof bytes !== "bigint") {
      throw new TypeError(`Cannot alloc: bytes must be a safe integer or a bigint, current value is ${String(bytes)}`);
    }
    const n = BigInt(bytes);
    if (n <= 0n || n > MAX_ALLOC) throw invalid("bytes", `Cannot alloc: bytes must be in 1..2^53-1, current value is ${n}`);
    const page = BigInt(getFacts().pageSize);
    const length = (n + page - 1n) / page * page;
    const { addr, buffer } = allocations.map(length, Number(n));
    const r = bindBatch([{ target: { addr, length }, policy, ...(flags ? { flags } : {}) }], { unsafeRawAddress: true });
    if (!r.ok) {
      allocations.unmapNow(buffer);
      throw failureError(r.failed[0]!);
    }
    return buffer;
  };

  return {
    backend,
    plan: (requests, opts = {}) => planRequests(engine, requests, opts, getFacts()),
    bind, bindBatch, getPolicy, alloc,
    numaMaps: (pid) => readNumaMaps(pid ?? "self"),
    free: (buffer) => allocations.free(buffer),
    isFreed: (buffer) => allocations.isFreed(buffer),
    topology: () => topo ?? refreshTopology(),
    refreshTopology,
    available: () => ({ ...backend.probe(), backend: backend.name }),
  };
}
