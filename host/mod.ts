// numabind's package entry on Node.js: the public API over the system port and the backend
// chosen once, at load.
import { numabind } from "./instance.ts";

export {
  countPageStatuses, Cpumask, createNumabind, describePageStatus, errnoName, MODE_FLAGS, MODES, Nodemask, traceLine, TRACEE_IDS,
  NodestringError, NumaError, parseNumaMaps, readTopology,
} from "./core/mod.ts";
export type {
  Availability, Backend, BatchFailure, BatchOptions, BatchResult, BindFlags, BindOptions, BindRequest,
  Mismatch, Mode, ModeFlagInfo, ModeInfo, MoveOptions, NodeContext, NodeInfo, Numabind, NumaMapsEntry,
  OciMemoryPolicy, Plan, PlannedOp, PlanOptions, PlanStats, Policy, PolicyInfo, ThreadPolicyInfo, PolicyInput, NumabindOptions, TraceEvent, TraceArg, TraceSink, NumabindDetail, ProgressCallback,
  ProgressInfo, RangeBatch, RawRange, RestoreFailure, Target, Topology, VerifyOptions, VerifyReport,
  CpuContext, PlacementApi,
} from "./core/mod.ts";
export { openBackend, unavailable } from "./backends/mod.ts";

export { numabind } from "./instance.ts";
export { placeOnNodes, planPlacement, spawnOnNode } from "./workers/mod.ts";
export type { NodePlacement, NodeWorker, Placed, PlacedWorker } from "./workers/mod.ts";

export const {
  plan, bind, bindBatch, verify, getPolicy, numaMaps, numaMapsText, alloc, free, isFreed, topology, refreshTopology,
  available, locate, movePages, migratePages, getThreadPolicy, setThreadPolicy,
  getAffinity, setAffinity, runOnNodes, currentCpu, cpusOf, setHomeNode,
} = numabind;
