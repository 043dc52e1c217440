// @ts-check
// Compiles the C batch shim (native/*.c) and the Node-API addon (native/node_api/) with one C
// compiler into one folder. Shared by `npm run build` (build/), the install-time fallback
// (native/install.mjs) and the pack step that makes the prebuilt binaries (native/prebuild.mjs).
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const native = join(root, "native");
const FLAGS = ["-O2", "-Wall", "-Wextra", "-Werror", "-std=c11", "-D_GNU_SOURCE", "-shared", "-fPIC"];

/**
 * The first C compiler that runs, of `candidates` (default: $CC, cc, gcc, clang), or undefined.
 * @param {(string | undefined)[]} [candidates]
 */
export function findCompiler(candidates = [process.env.CC, "cc", "gcc", "clang"]) {
  return candidates.find((c) => c && spawnSync(c, ["--version"], { stdio: "ignore" }).status === 0);
}

/**
 * Node-API's headers: beside Node's binary (include/node), npm's nodedir, or the
 * node-api-headers package. They are the same on every architecture.
 * @returns {string | undefined}
 */
export function nodeApiHeaders() {
  const dirs = [join(dirname(process.execPath), "..", "include", "node"),
    process.env.npm_config_nodedir && join(process.env.npm_config_nodedir, "include", "node"),
    join(root, "node_modules", "node-api-headers", "include")];
  return dirs.find((d) => d && existsSync(join(d, "node_api.h")));
}

/**
 * Compiles the shim (and the addon, where headers exist) into `outDir`.
 * @param {{ cc: string, outDir: string, shim?: string, addon?: string, headers?: string }} o
 *   file names default to libnumabind.so and numabind.node
 * @returns {{ shim: string, addon?: string }} the paths written
 * @example
 * ```js
 * compileNative({ cc: "cc", outDir: "build" });   // { shim: "build/libnumabind.so", addon: "build/numabind.node" }
 * ```
 */
export function compileNative(o) {
  mkdirSync(o.outDir, { recursive: true });
  const sources = readdirSync(native).filter((f) => f.endsWith(".c")).map((f) => join(native, f));
  const shim = join(o.outDir, o.shim ?? "libnumabind.so");
  execFileSync(o.cc, [...FLAGS, "-o", shim, ...sources], { stdio: "inherit" });
  const headers = o.headers ?? nodeApiHeaders();
  if (!headers) return { shim };
  const addon = join(o.outDir, o.addon ?? "numabind.node");
  execFileSync(o.cc, [...FLAGS, `-I${headers}`, "-o", addon, join(native, "node_api", "addon.c"),
    join(native, "node_api", "mappings.c"), join(native, "thread_policy.c")], { stdio: "inherit" });
  return { shim, addon };
}

/**
 * Compiles the reference kernels of `numabind bench` (native/bench/*.c) into `outDir`, apart
 * from the shim: the shim's sources and flags stay as they are. -O3 lets the compiler
 * vectorise the STREAM loops as stream.c is usually built; no -march, so the library also runs
 * on other CPUs sharing this build (the multi-node guest under QEMU/TCG).
 * @param {{ cc: string, outDir: string, name?: string }} o the file name defaults to libnumabind_bench.so
 * @returns {string} the path written
 * @example
 * ```js
 * compileBench({ cc: "cc", outDir: "build" });   // "build/libnumabind_bench.so"
 * ```
 */
export function compileBench(o) {
  mkdirSync(o.outDir, { recursive: true });
  const dir = join(native, "bench");
  const sources = readdirSync(dir).filter((f) => f.endsWith(".c")).map((f) => join(dir, f));
  const lib = join(o.outDir, o.name ?? "libnumabind_bench.so");
  execFileSync(o.cc, [...FLAGS, "-O3", `-I${native}`, "-o", lib, ...sources], { stdio: "inherit" });
  return lib;
}
