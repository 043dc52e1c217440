import type { PlacementHooks } from "../syscall_hooks.ts";
import { type FfiLib, prepare } from "./lib.ts";

/**
 * Thread placement through the C shim (native/placement.c): affinity, getcpu and the home node.
 * Rare calls, so plain buffer arguments (no call block).
 * @example
 * ```ts
 * const out = new Uint8Array(8);
 * expect(shimPlacementHooks(lib, "numabind_shim").getCpu!(out)).toBe(0);
 * ```
 */
export function shimPlacementHooks(lib: FfiLib, shim: string): PlacementHooks {
  const { T } = lib;
  const f = (name: string, params: unknown[]) => prepare(lib, shim, name, T.I64, params);
  const getAff = f("numabind_sched_getaffinity", [T.I64, T.U8Array]);
  const setAff = f("numabind_sched_setaffinity", [T.I64, T.U8Array]);
  const getcpu = f("numabind_getcpu", [T.U8Array]);
  const home = f("numabind_set_home_node", [T.I64, T.I64, T.I64]);
  return {
    getAffinity(mask) { getAff.args[0] = mask.byteLength; getAff.args[1] = mask; return getAff.call() as number; },
    setAffinity(mask) { setAff.args[0] = mask.byteLength; setAff.args[1] = mask; return setAff.call() as number; },
    getCpu(out) { getcpu.args[0] = out; return getcpu.call() as number; },
    setHomeNode(addr, len, node) {
      home.args[0] = Number(addr); home.args[1] = Number(len); home.args[2] = node;
      return home.call() as number;
    },
  };
}
