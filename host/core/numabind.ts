import {
  bindingApi, type BindingApi, inspectApi, type InspectApi, memoryApi, type MemoryApi, pagesApi,
  type PagesApi, placementApi, type PlacementApi, threadApi, type ThreadApi,
} from "./api/mod.ts";
import type { Backend } from "./backend/mod.ts";
import { createContext } from "./context.ts";

export type { BindOptions } from "./api/mod.ts";

/** The public API over one backend: one group per concern (host/core/api/). */
export type Numabind = { readonly backend: Backend } & BindingApi & MemoryApi & InspectApi
  & PagesApi
  & ThreadApi & PlacementApi;

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
  const ctx = createContext(backend);
  return {
    backend, ...bindingApi(ctx), ...memoryApi(ctx), ...inspectApi(ctx),
    ...pagesApi(ctx),
    ...threadApi(ctx),
    ...placementApi(ctx),
  };
}
