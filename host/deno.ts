// numabind's entry on Deno: the same API and engine as the Node entry, over the system port
// and backend made for Deno (libc and the shim through Deno.dlopen), chosen once, at load.
// Permissions: --allow-ffi and --allow-read of the package (docs/deno.md says why each).
import { openDenoBackend } from "./backends/deno_ffi/mod.ts";
import { createNumabind, type Numabind, setSystem } from "./core/mod.ts";
import { denoFfi, denoSystem, loadEngine, openLibc } from "./runtime/deno/mod.ts";

const deno = denoFfi();
if (!deno) throw new Error("numabind's Deno entry runs under Deno; on Node.js import the package entry (numabind)");
const libc = openLibc(deno);
setSystem(denoSystem(libc, await loadEngine()));

export {
  countPageStatuses, Cpumask, createNumabind, describePageStatus, errnoName, MODE_FLAGS, MODES, Nodemask, traceLine, TRACEE_IDS,
  NodestringError, NumaError, parseNumaMaps, readTopology,
} from "./core/mod.ts";
export type {
  Availability, Backend, BatchFailure, BatchOptions, BatchResult, BindFlags, BindOptions, BindRequest, CpuContext,
  Mismatch, Mode, ModeFlagInfo, ModeInfo, MoveOptions, NodeContext, NodeInfo, Numabind, NumaMapsEntry,
  OciMemoryPolicy, PlacementApi, Plan, PlannedOp, PlanOptions, PlanStats, Policy, PolicyInfo, ThreadPolicyInfo, PolicyInput, NumabindOptions, TraceEvent, TraceArg, TraceSink, NumabindDetail,
  ProgressCallback, ProgressInfo, RangeBatch, RawRange, RestoreFailure, Target, Topology, VerifyOptions, VerifyReport,
} from "./core/mod.ts";

/** The default instance, over the Deno backend. */
export const numabind: Numabind = createNumabind(openDenoBackend(deno, libc));

// One export per function (not a destructuring): JSR's fast type check reads each one's type.
export const plan: Numabind["plan"] = numabind.plan;
export const bind: Numabind["bind"] = numabind.bind;
export const bindBatch: Numabind["bindBatch"] = numabind.bindBatch;
export const verify: Numabind["verify"] = numabind.verify;
export const getPolicy: Numabind["getPolicy"] = numabind.getPolicy;
export const numaMaps: Numabind["numaMaps"] = numabind.numaMaps;
export const numaMapsText: Numabind["numaMapsText"] = numabind.numaMapsText;
export const alloc: Numabind["alloc"] = numabind.alloc;
export const free: Numabind["free"] = numabind.free;
export const isFreed: Numabind["isFreed"] = numabind.isFreed;
export const topology: Numabind["topology"] = numabind.topology;
export const refreshTopology: Numabind["refreshTopology"] = numabind.refreshTopology;
export const available: Numabind["available"] = numabind.available;
export const locate: Numabind["locate"] = numabind.locate;
export const movePages: Numabind["movePages"] = numabind.movePages;
export const migratePages: Numabind["migratePages"] = numabind.migratePages;
export const getThreadPolicy: Numabind["getThreadPolicy"] = numabind.getThreadPolicy;
export const setThreadPolicy: Numabind["setThreadPolicy"] = numabind.setThreadPolicy;
export const getAffinity: Numabind["getAffinity"] = numabind.getAffinity;
export const setAffinity: Numabind["setAffinity"] = numabind.setAffinity;
export const runOnNodes: Numabind["runOnNodes"] = numabind.runOnNodes;
export const currentCpu: Numabind["currentCpu"] = numabind.currentCpu;
export const cpusOf: Numabind["cpusOf"] = numabind.cpusOf;
export const setHomeNode: Numabind["setHomeNode"] = numabind.setHomeNode;
