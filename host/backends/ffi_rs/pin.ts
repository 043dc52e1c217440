import { readFileSync } from "node:fs";
import { type FfiLib, prepare } from "./lib.ts";

/** dlopen flags (dlfcn.h, the same on every Linux ABI numabind runs on). */
const RTLD_NOW = 2, RTLD_NOLOAD = 4, RTLD_NODELETE = 0x1000;

/**
 * Paths of ffi-rs's native addon mapped into this process (from /proc/self/maps).
 * @example
 * ```ts
 * expect(addonPaths()[0]).toMatch(/ffi-rs.*\.node$/);
 * ```
 */
export function addonPaths(maps = readFileSync("/proc/self/maps", "utf8")): string[] {
  const out = new Set<string>();
  for (const line of maps.split("\n")) {
    const m = /\s(\/\S*ffi-rs[^/\s]*\.node)$/.exec(line);
    if (m) out.add(m[1]!);
  }
  return [...out];
}

/**
 * Keeps ffi-rs's native addon loaded for the life of the process. Node unloads (dlclose) an
 * addon that a worker thread loaded when that worker exits, unless another thread loaded it
 * too; ffi-rs's addon then crashes the whole process on the way out (SIGSEGV, measured here
 * on every run of a worker that loaded it before the main thread did). dlopen with
 * RTLD_NOLOAD | RTLD_NODELETE on the already-loaded file marks it never to be unloaded,
 * without loading anything. Run under the ffi-rs lock: it resolves dlopen through ffi-rs.
 * @param libc the name libc was opened under
 * @returns the addon paths pinned
 * @example
 * ```ts
 * expect(pinAddon(lib, "numabind_libc").length).toBeGreaterThan(0);
 * ```
 */
export function pinAddon(lib: FfiLib, libc: string): string[] {
  const pinned: string[] = [];
  const paths = addonPaths();
  // glibc has dlopen in libc from 2.34 on; before that it lives in libdl.
  for (const library of [libc, LIBDL]) {
    try {
      if (library === LIBDL) lib.open({ library: LIBDL, path: "libdl.so.2" });
      const dlopen = prepare(lib, library, "dlopen", lib.T.I64, [lib.T.String, lib.T.I32]);
      for (const path of paths) {
        dlopen.args[0] = path;
        dlopen.args[1] = RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE;
        if ((dlopen.call() as number) !== 0) pinned.push(path);
      }
      return pinned;
    } catch { /* no dlopen in this library: try the next */ }
  }
  return pinned;
}

const LIBDL = "numabind_libdl";
