import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { KernelHooks } from "../../core/backend/mod.ts";
import { ERRNO } from "../../core/mod.ts";
import { hi32, lo32 } from "../../core/records/mod.ts";
import { packageRoot } from "../../runtime/mod.ts";

/** build/numabind.node's exports (native/node_api/addon.c); each returns 0 or -errno. */
interface NodeApiAddon {
  mbindOne(addr: number, len: number, mode: number, flags: number, mask: Uint8Array | null, words: number): number;
  getMempolicy(mode: Uint8Array, mask: Uint8Array | null, addrLo: number, addrHi: number, flags: number): number;
  setMempolicy(mode: number, mask: Uint8Array | null, words: number): number;
}

/**
 * The single-call hooks (one mbind, get_mempolicy, set_mempolicy) through Node-API, when
 * build/numabind.node exists and loads, and NUMABIND_NO_NODE_API is not "1". A Node-API call
 * costs ~0.1 µs against ffi-rs's ~1.5 µs floor, which is what lets one bind() stay close to a
 * C loop (bench/bind.mjs). Batches keep going through the C shim over ffi-rs.
 * @returns the hooks, or undefined when the addon is absent (no Node headers at build time)
 * @example
 * ```ts
 * const single = nodeApiHooks(process.env);
 * if (single) expect(single.mbindOne!(0, 0, 0, 0, null, 0)).toBe(0);
 * ```
 */
export function nodeApiHooks(env: Record<string, string | undefined>): Pick<KernelHooks, "mbindOne" | "getMempolicy" | "setMempolicy"> | undefined {
  if (env.NUMABIND_NO_NODE_API === "1") return undefined;
  const path = join(packageRoot(import.meta.url), "build", "numabind.node");
  if (!existsSync(path)) return undefined;
  let addon: NodeApiAddon;
  try {
    addon = createRequire(import.meta.url)(path) as NodeApiAddon;
  } catch {
    return undefined; // built for another Node ABI or architecture: the shim serves instead
  }
  return {
    mbindOne: (addr, len, mode, flags, mask, words) => addon.mbindOne(addr, len, mode, flags, mask, mask ? words : 0),
    getMempolicy(mode, mask, maxnode, addr, flags) {
      const words = mask.byteLength >>> 3;
      // numabind always passes maxnode = words * 64 + 1, which the addon derives from the mask.
      if (mask.byteLength !== words * 8 || (words && maxnode !== words * 64 + 1)) return -ERRNO.EINVAL;
      return addon.getMempolicy(mode, words ? mask : null, lo32(addr), hi32(addr), flags);
    },
    setMempolicy: (mode, mask, words) => addon.setMempolicy(mode, mask, mask ? words : 0),
  };
}
