// numabind/core: the runtime-neutral core. It holds everything the package entry exports
// except the default instance, and what building numabind over another backend or runtime
// takes: createNumabind(backend), setSystem(port), the Backend and System interfaces, the
// op-record codec a backend reads, and two readers for tools (docs/api.md, "numabind/core").
export { createNumabind, type Numabind, type NumabindOptions } from "./numabind.ts";
export { traceLine, tracedBackend, TRACEE_IDS } from "./trace/mod.ts";
export type { NumabindDetail, TraceArg, TraceEvent, TraceSink } from "./trace/mod.ts";
export type { BindingApi, BindOptions, InspectApi, MemoryApi, PagesApi, PlacementApi, ThreadApi, ThreadPolicyInfo } from "./api/mod.ts";
export { ERRNO, errnoName, NumaError, type AddressRange } from "./errors.ts";

// The vocabulary.
export { MODE_FLAGS, MODES, Nodemask, NodestringError } from "./policy/mod.ts";
export { Cpumask, MAX_CPUS, type CpuContext } from "./cpus/mod.ts";
export type {
  BindFlags, Mode, ModeFlagInfo, ModeInfo, NodeContext, NumactlMode, OciMemoryPolicy, Policy, PolicyInput,
} from "./policy/mod.ts";
export type { RawRange, Target } from "./targets/mod.ts";
export type { BindRequest, Plan, PlannedOp, PlanOptions, PlanStats, RangeBatch } from "./plan/mod.ts";
export { failureError, type BatchFailure } from "./failures/mod.ts";
export type { BatchOptions, BatchResult, RestoreFailure } from "./batch/mod.ts";
export type { Mismatch, VerifyOptions, VerifyReport } from "./verify/mod.ts";
export { countPageStatuses, describePageStatus } from "./kernel/mod.ts";
export type { MoveOptions, PolicyInfo, ProgressCallback, ProgressInfo } from "./kernel/mod.ts";
export { parseNumaMaps, readTopology } from "./facts/mod.ts";
export type { NodeInfo, NumaMapsEntry, Topology } from "./facts/mod.ts";

// Bringing your own backend and runtime.
export { setSystem, type System } from "./system/mod.ts";
export { availabilityFromProbe } from "./backend/mod.ts";
export type { Availability, Backend, KernelHooks, MappedRegion, OpPath } from "./backend/mod.ts";
export * as records from "./records/mod.ts";

// Readers for tools that look at what a batch costs (bench/batch.mjs).
export { readMappings, type Mappings } from "./system/mod.ts";
export { snapshotPolicies, type PolicySnapshot } from "./kernel/mod.ts";
