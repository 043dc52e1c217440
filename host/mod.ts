// numabind's package entry: the public API bound to the backend chosen once, at load.
import { openBackend } from "./backends/open_backend.ts";
import { createNumabind, type Numabind } from "./core/numabind.ts";

export {
  countPageStatuses, createNumabind, describePageStatus, errnoName, Nodemask, NodestringError, NumaError,
  parseNumaMaps, readTopology,
} from "./core/mod.ts";
export type {
  Availability, Backend, BatchFailure, BatchOptions, BatchResult, BindFlags, BindOptions, BindRequest,
  Mismatch, Mode, MoveOptions, NodeContext, NodeInfo, NumaMapsEntry, OciMemoryPolicy, Plan, PlannedOp,
  PlanOptions, PlanStats, Policy, PolicyInfo, PolicyInput, ProgressCallback, ProgressInfo, RangeBatch, RawRange,
  RestoreFailure, Target, Topology, VerifyOptions, VerifyReport,
} from "./core/mod.ts";
export { openBackend } from "./backends/open_backend.ts";

/** The default instance, over the backend for this runtime. */
export const numabind: Numabind = createNumabind(openBackend());

export const {
  plan, bind, bindBatch, verify, getPolicy, numaMaps, alloc, free, isFreed, topology, refreshTopology,
  available, locate, movePages, migratePages, getThreadPolicy, setThreadPolicy,
} = numabind;
