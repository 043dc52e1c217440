// numabind's package entry on Node.js: the public API over the system port and the backend
// chosen once, at load.
import { openBackend } from "./backends/mod.ts";
import { createNumabind, setSystem, type Numabind } from "./core/mod.ts";
import { nodeSystem } from "./runtime/mod.ts";

setSystem(nodeSystem());

export {
  countPageStatuses, createNumabind, describePageStatus, errnoName, MODE_FLAGS, MODES, Nodemask,
  NodestringError, NumaError, parseNumaMaps, readTopology,
} from "./core/mod.ts";
export type {
  Availability, Backend, BatchFailure, BatchOptions, BatchResult, BindFlags, BindOptions, BindRequest,
  Mismatch, Mode, ModeFlagInfo, ModeInfo, MoveOptions, NodeContext, NodeInfo, Numabind, NumaMapsEntry,
  OciMemoryPolicy, Plan, PlannedOp, PlanOptions, PlanStats, Policy, PolicyInfo, PolicyInput, ProgressCallback,
  ProgressInfo, RangeBatch, RawRange, RestoreFailure, Target, Topology, VerifyOptions, VerifyReport,
} from "./core/mod.ts";
export { openBackend, unavailable } from "./backends/mod.ts";

/** The default instance, over the backend for this runtime. */
export const numabind: Numabind = createNumabind(openBackend());

export const {
  plan, bind, bindBatch, verify, getPolicy, numaMaps, numaMapsText, alloc, free, isFreed, topology, refreshTopology,
  available, locate, movePages, migratePages, getThreadPolicy, setThreadPolicy,
} = numabind;
