import type { Backend } from "../core/backend/mod.ts";

/**
 * The backend used where no way to the kernel opens (not Linux, no FFI): it has no hooks, so
 * every kernel operation fails with ENOSYS, and probe() says why. Planning still works.
 * @example
 * ```ts
 * expect(unavailable("no FFI").probe().ok).toBe(false);
 * ```
 */
export function unavailable(reason: string): Backend {
  return {
    name: "unavailable",
    probe: () => ({ ok: false, backend: "unavailable", path: "none", reason }),
    addressOf: () => { throw new Error(`Cannot take buffer addresses: ${reason}`); },
  };
}
