// @ts-check
// Builds the C batch shim into build/libnumabind.so with the system C compiler, and, where
// Node-API's headers are found, the Node-API entry points for single calls into
// build/numabind.node. Neither is required: without a compiler the package's prebuilt
// binaries (prebuilds/) are used, and without those every op is one libc syscall() through ffi-rs.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { compileBench, compileNative, findCompiler, root } from "./compile.mjs";

const cc = findCompiler();
if (!cc) {
  console.log("numabind: no C compiler found; the batch shim is not built here (prebuilt binaries, or one syscall per op), nor the C kernels of `numabind bench` (it reports them unavailable)");
  process.exit(0);
}
const out = compileNative({ cc, outDir: join(root, "build") });
if (out.addon) console.log(`numabind: built build/libnumabind.so and build/numabind.node with ${cc}`);
else {
  rmSync(join(root, "build", "numabind.node"), { force: true });
  console.log(`numabind: built build/libnumabind.so with ${cc}; Node-API's headers not found, so single calls go through the shim`);
}
// The reference kernels of `numabind bench`. Optional: without them the bench reports its C
// figures unavailable, so a failure here never fails the build.
try {
  compileBench({ cc, outDir: join(root, "build") });
  console.log("numabind: built build/libnumabind_bench.so (the C kernels of numabind bench)");
} catch (e) {
  rmSync(join(root, "build", "libnumabind_bench.so"), { force: true });
  console.log(`numabind: build/libnumabind_bench.so not built (${/** @type {Error} */ (e).message.split("\n")[0]}); numabind bench reports its C kernels unavailable`);
}
