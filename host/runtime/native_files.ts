import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { packageRoot } from "./package_root.ts";

/** Where the native parts were found, and why not where they were not. */
export interface NativeFiles {
  /** The C batch shim, or undefined. */
  shim?: string;
  /** The Node-API addon, or undefined. */
  addon?: string;
  /** "build" (compiled here: npm run build, or at install) or "prebuild" (shipped in the package). */
  from?: "build" | "prebuild";
  /** Why there is no shim, with the fix; undefined when there is one. */
  missing?: string;
}

/**
 * The shim and the Node-API addon for this machine. A build made here (build/) comes first;
 * else the package's prebuilt binaries for this platform and architecture, laid out as
 * prebuildify lays them out (prebuilds/<platform>-<arch>/) and found by node-gyp-build, the
 * loader most Node-API packages use.
 * @example Basic usage
 * ```ts
 * const f = nativeFiles();
 * if (!f.shim) console.log(f.missing);
 * ```
 */
export function nativeFiles(from = import.meta.url): NativeFiles {
  const root = packageRoot(from);
  const built = { shim: join(root, "build", "libnumabind.so"), addon: join(root, "build", "numabind.node") };
  if (existsSync(built.shim)) return { shim: built.shim, from: "build", ...(existsSync(built.addon) ? { addon: built.addon } : {}) };
  const dir = join(root, "prebuilds", `${process.platform}-${process.arch}`);
  const shim = join(dir, "libnumabind.so");
  let addon: string | undefined;
  try {
    addon = (createRequire(from)("node-gyp-build") as { path(dir: string): string }).path(root);
  } catch { /* no matching prebuilt addon */ }
  if (existsSync(shim)) return { shim, from: "prebuild", ...(addon ? { addon } : {}) };
  return {
    ...(addon ? { addon } : {}),
    missing: `the package has no prebuilt shim for ${process.platform}-${process.arch} and none was compiled at install (no C compiler then, or npm did not run numabind's install script); install a C compiler (gcc or clang) and run "npm rebuild numabind" (where npm asks before running scripts: "npm install-scripts approve numabind" first)`,
  };
}
