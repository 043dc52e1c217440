import type { KernelHooks } from "../../core/backend/mod.ts";
import { ERRNO } from "../../core/mod.ts";
import { hi32, lo32 } from "../../core/records/mod.ts";
import { loadAddon } from "./addon.ts";

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
  // Absent, or built for another Node ABI or architecture: the shim serves instead.
  const addon = loadAddon(env);
  if (!addon) return undefined;
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
