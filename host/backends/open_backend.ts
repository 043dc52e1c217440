import type { Backend } from "../core/backend/mod.ts";
import { openFfiRs } from "./ffi_rs/mod.ts";
import { unavailable } from "./unavailable.ts";

/**
 * Chooses the backend for this runtime, once: ffi-rs on Node/Linux, otherwise a backend that
 * explains why the kernel is out of reach.
 * @example
 * ```ts
 * const nb = createNumabind(openBackend());
 * ```
 */
export function openBackend(): Backend {
  if (process.platform !== "linux") return unavailable(`NUMA memory policy is a Linux interface; this is ${process.platform}`);
  const r = openFfiRs();
  return r.backend ?? unavailable(r.reason ?? "ffi-rs did not open");
}
