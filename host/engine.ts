// numabind/engine: the Wasm policy engine itself, for tools that write request records and
// read ops directly (benchmarks, fuzzers, another host): docs/api.md, "numabind/engine".
import { setSystem } from "./core/mod.ts";
import { nodeSystem } from "./runtime/mod.ts";

setSystem(nodeSystem());

export { Engine, engineModule, sharedEngine, writeControl } from "./core/engine/mod.ts";
export type { ControlValues, EngineExports } from "./core/engine/mod.ts";
export * as abi from "../assembly/abi.ts";
