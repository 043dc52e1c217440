import {
  bindingApi, type BindingApi, inspectApi, type InspectApi, memoryApi, type MemoryApi, pagesApi,
  type PagesApi, placementApi, type PlacementApi, threadApi, type ThreadApi,
} from "./api/mod.ts";
import type { Backend } from "./backend/mod.ts";
import { createContext } from "./context.ts";
import { checkOptions, describeValue } from "./shapes.ts";
import { tracedBackend, type TraceSink } from "./trace/mod.ts";

export type { BindOptions } from "./api/mod.ts";

/** The public API over one backend: one group per concern (host/core/api/). */
export type Numabind = { readonly backend: Backend } & BindingApi & MemoryApi & InspectApi
  & PagesApi
  & ThreadApi & PlacementApi;

/** How an instance is built. */
export interface NumabindOptions {
  /**
   * Receives one event per syscall the instance issues, after it returns, in Tracee's legacy
   * event shape with the decoded policy added (docs/traces.md). Without it, nothing is traced
   * and nothing is paid for it.
   */
  trace?: TraceSink;
}

/**
 * Builds the API over a backend. The package entry calls this once with the backend chosen
 * for the runtime; tests and tools may build their own over another backend.
 * @example
 * ```ts
 * const nb = createNumabind(openBackend());
 * const buf = nb.alloc(1 << 20, { mode: "bind", nodes: [0] });
 * ```
 * @example Tracing every syscall
 * ```ts
 * const events: TraceEvent[] = [];
 * const traced = createNumabind(openBackend(), { trace: (e) => events.push(e) });
 * traced.setThreadPolicy({ mode: "default" });
 * expect(events.map((e) => e.eventName)).toEqual(["set_mempolicy"]);
 * ```
 */
export function createNumabind(backend: Backend, opts: NumabindOptions = {}): Numabind {
  checkOptions(opts, ["trace"], "createNumabind() options");
  if (opts.trace !== undefined && typeof opts.trace !== "function") {
    throw new TypeError(`Cannot create numabind: options.trace must be a function (event) => void, current value is ${describeValue(opts.trace)}`);
  }
  if (opts.trace) backend = tracedBackend(backend, opts.trace);
  const ctx = createContext(backend);
  return {
    backend, ...bindingApi(ctx), ...memoryApi(ctx), ...inspectApi(ctx),
    ...pagesApi(ctx),
    ...threadApi(ctx),
    ...placementApi(ctx),
  };
}
