// numabind's package entry: the public API bound to the backend chosen once, at load.
import { openBackend } from "./backends/open_backend.ts";
import { createNumabind, type Numabind } from "./core/numabind.ts";

export { createNumabind, Nodemask, NodestringError, NumaError, errnoName, parseNumaMaps, readTopology } from "./core/mod.ts";
export { countPageStatuses, describePageStatus } from "./core/mod.ts";
export type {
  Availability, Backend, BatchFailure, BatchOptions, BatchResult, BindFlags, BindOptions, BindRequest,
  Mode, NodeContext, NodeInfo, NumaMapsEntry, OciMemoryPolicy, Plan, PlannedOp, PlanOptions, PlanStats, Policy,
  PolicyInfo, PolicyInput, RawRange,
  Target, Topology,
} from "./core/mod.ts";
export type { MoveOptions } from "./core/mod.ts";
export type { Mismatch, ProgressCallback, ProgressInfo, RestoreFailure, VerifyOptions, VerifyReport } from "./core/mod.ts";
export { openBackend } from "./backends/open_backend.ts";

/** The default instance, over the backend for this runtime. */
export const numabind: Numabind = createNumabind(openBackend());

export const {
  plan, bind, bindBatch, getPolicy, numaMaps, alloc, free, isFreed, topology, refreshTopology, available,
} = numabind;
export const { locate, movePages, migratePages } = numabind;
export const { verify } = numabind;
export const { getThreadPolicy, setThreadPolicy } = numabind;
