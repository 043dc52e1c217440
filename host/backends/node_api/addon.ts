import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { nativeFiles } from "../../runtime/mod.ts";

/** build/numabind.node's exports (native/node_api/addon.c); each returns 0 or -errno. */
export interface NodeApiAddon {
  mbindOne(addr: number, len: number, mode: number, flags: number, mask: Uint8Array | null, words: number): number;
  getMempolicy(mode: Uint8Array, mask: Uint8Array | null, addrLo: number, addrHi: number, flags: number): number;
  setMempolicy(mode: number, mask: Uint8Array | null, words: number): number;
  /** Unmap [addr, addr + len) when this environment (thread) ends. */
  trackMapping(addr: number, len: number): number;
  /** The mapping at addr was unmapped. */
  untrackMapping(addr: number): number;
  /** How many mappings this environment holds. */
  trackedMappings(): number;
}

/**
 * build/numabind.node, loaded for this thread (Node loads an addon once per environment), or
 * undefined when it was not built (no Node headers), does not load (another Node ABI or
 * architecture), or NUMABIND_NO_NODE_API is "1".
 * @example Basic usage
 * ```ts
 * const addon = loadAddon(process.env);
 * if (addon) expect(addon.mbindOne(0, 0, 0, 0, null, 0)).toBe(0);
 * ```
 */
export function loadAddon(env: Record<string, string | undefined>): NodeApiAddon | undefined {
  if (env.NUMABIND_NO_NODE_API === "1") return undefined;
  const path = nativeFiles(import.meta.url).addon;
  if (path === undefined || !existsSync(path)) return undefined;
  try {
    return createRequire(import.meta.url)(path) as NodeApiAddon;
  } catch {
    return undefined;
  }
}
