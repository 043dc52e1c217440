// Builds the C batch shim (native/*.c) into build/libnumabind.so with the system C compiler.
// No compiler is not an error: the host then uses one libc syscall per op (see README).
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "build", "libnumabind.so");
const sources = readdirSync(join(root, "native")).filter((f) => f.endsWith(".c"))
  .map((f) => join(root, "native", f));

const cc = [process.env.CC, "cc", "gcc", "clang"].find((c) =>
  c && spawnSync(c, ["--version"], { stdio: "ignore" }).status === 0);
if (!cc) {
  console.log("numabind: no C compiler found; the batch shim is not built, binding uses one syscall per op");
  process.exit(0);
}
mkdirSync(dirname(out), { recursive: true });
execFileSync(cc, ["-O2", "-Wall", "-Wextra", "-Werror", "-std=c11", "-D_GNU_SOURCE", "-shared", "-fPIC",
  "-o", out, ...sources], { stdio: "inherit" });
console.log(`numabind: built ${out.slice(root.length + 1)} with ${cc}`);
