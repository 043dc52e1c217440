import { Engine } from "../../host/core/engine/mod.ts";
import type { KernelFacts } from "../../host/core/facts/mod.ts";
import {
  type BindRequest, type Plan, type PlanFacts, type PlanOptions, planRequests,
} from "../../host/core/plan/mod.ts";
import { Nodemask } from "../../host/core/policy/mod.ts";

/** Facts for a machine other than this one (planning is pure, so any machine can be described). */
export interface FakeMachine {
  configured?: number[];
  allowed?: number[];
  withMemory?: number[];
  capSysNice?: boolean;
  mpolMax?: number;
  balancingModes?: number;
  maxNumNodes?: number;
  maxMapCount?: number;
  mapCount?: number;
  /** A map count that changes: what a cached read and a fresh read return. */
  mapCounts?: { cached: number; fresh: number };
  weights?: number[];
}

/** PlanFacts for a described machine; addresses of buffers are not needed for raw targets. */
export function fakeFacts(m: FakeMachine = {}): PlanFacts {
  const configured = Nodemask.of(...(m.configured ?? [0, 1, 2, 3]));
  const allowed = m.allowed ? Nodemask.of(...m.allowed) : configured;
  const withMemory = m.withMemory ? Nodemask.of(...m.withMemory) : configured;
  const kernel: KernelFacts = {
    maxNumNodes: m.maxNumNodes ?? 1024, capSysNice: m.capSysNice ?? true, mpolMax: m.mpolMax ?? 7,
    balancingModes: m.balancingModes ?? 0x24, hugePageSize: 2 << 20, maxMapCount: m.maxMapCount ?? 65530,
    mapCount: (fresh = true) => (m.mapCounts ? (fresh ? m.mapCounts.fresh : m.mapCounts.cached) : m.mapCount ?? 100),
    interleaveWeights: () => m.weights ?? [],
    noteMappings: () => {},
    freshCounts: 0,
  };
  return {
    pageSize: 4096, usable: allowed.intersect(withMemory), configured, allowed, kernel,
    addressOf: () => { throw new Error("fake facts plan raw ranges only"); },
  };
}

const engine = new Engine();

/** plan() on a described machine. */
export function planOn(m: FakeMachine, requests: BindRequest[], opts: PlanOptions = {}): Plan {
  return planRequests(engine, requests, { unsafeRawAddress: true, ...opts }, fakeFacts(m));
}
