// @ts-check
// Runs when the package is installed (npm's `install` script). With a prebuilt shim for this
// platform and architecture there is nothing to do. Without one it compiles with the system C
// compiler into build/; where that fails too it says so in one line, and numabind uses one
// syscall per op (available().pathReason says why, and the first batch warns). Never fails the
// install. In a git checkout it does nothing: `prepare` builds everything there.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { compileBench, compileNative, findCompiler, root } from "./compile.mjs";

try {
  if (existsSync(join(root, ".git"))) process.exit(0);
  const target = `${process.platform}-${process.arch}`;
  if (existsSync(join(root, "prebuilds", target, "libnumabind.so"))) process.exit(0);
  const cc = findCompiler();
  if (!cc) {
    console.log(`numabind: no prebuilt binaries for ${target} and no C compiler: every op will be one syscall (slower for large batches); install gcc and run "npm rebuild numabind"`);
    process.exit(0);
  }
  compileNative({ cc, outDir: join(root, "build") });
  try { compileBench({ cc, outDir: join(root, "build") }); } catch { /* bench then says its C kernels are missing, and why */ }
  console.log(`numabind: no prebuilt binaries for ${target}; built the shim with ${cc}`);
} catch (e) {
  console.log(`numabind: could not build the shim (${/** @type {Error} */ (e).message.split("\n")[0]}); every op will be one syscall; install gcc and run "npm rebuild numabind"`);
}
