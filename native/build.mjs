// Builds the C batch shim (native/*.c) into build/libnumabind.so with the system C compiler,
// and, where Node's headers are installed, the Node-API entry points for single calls
// (native/node_api/) into build/numabind.node. Neither is required: without a compiler every
// op is one libc syscall() through ffi-rs; without the headers single calls use the shim.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const native = join(root, "native");
const shim = join(root, "build", "libnumabind.so");
const addon = join(root, "build", "numabind.node");
const sources = readdirSync(native).filter((f) => f.endsWith(".c")).map((f) => join(native, f));
const flags = ["-O2", "-Wall", "-Wextra", "-Werror", "-std=c11", "-D_GNU_SOURCE", "-shared", "-fPIC"];

const cc = [process.env.CC, "cc", "gcc", "clang"].find((c) =>
  c && spawnSync(c, ["--version"], { stdio: "ignore" }).status === 0);
if (!cc) {
  console.log("numabind: no C compiler found; the batch shim is not built, binding uses one syscall per op");
  process.exit(0);
}
mkdirSync(dirname(shim), { recursive: true });
execFileSync(cc, [...flags, "-o", shim, ...sources], { stdio: "inherit" });

// Node's headers ship beside its binary (include/node); npm's nodedir points at them too.
const headers = [join(dirname(process.execPath), "..", "include", "node"),
  process.env.npm_config_nodedir && join(process.env.npm_config_nodedir, "include", "node")]
  .find((d) => d && existsSync(join(d, "node_api.h")));
if (headers) {
  execFileSync(cc, [...flags, `-I${headers}`, "-o", addon, join(native, "node_api", "addon.c"), join(native, "node_api", "mappings.c"),
    join(native, "thread_policy.c")], { stdio: "inherit" });
  console.log(`numabind: built build/libnumabind.so and build/numabind.node with ${cc}`);
} else {
  rmSync(addon, { force: true });
  console.log(`numabind: built build/libnumabind.so with ${cc}; Node's headers not found, so single calls go through the shim`);
}
