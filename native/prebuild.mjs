// @ts-check
// The pack step (`prepack`): prebuilt binaries of the shim and the Node-API addon for
// linux-x64 and linux-arm64 (glibc), laid out as prebuildify lays them out and node-gyp-build
// finds them: prebuilds/<platform>-<arch>/node.napi.glibc.node, with libnumabind.so beside it.
// The other architecture is cross-compiled with Debian's gcc-<triple> (installed with apt
// when missing and this process is root). An architecture that cannot be built is left out
// with one line saying why; an installed package then builds at install, or falls back.
import { execFileSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { compileBench, compileNative, findCompiler, nodeApiHeaders, root } from "./compile.mjs";

const TARGETS = [
  { arch: "x64", triple: "x86_64-linux-gnu", apt: ["gcc-x86-64-linux-gnu", "libc6-dev-amd64-cross"] },
  { arch: "arm64", triple: "aarch64-linux-gnu", apt: ["gcc-aarch64-linux-gnu", "libc6-dev-arm64-cross"] },
];

/** apt-get install, once after an update if the first try fails; true when it worked. */
function aptInstall(/** @type {string[]} */ pkgs) {
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const install = () => execFileSync("apt-get", ["-o", "DPkg::Lock::Timeout=300", "install", "-y", "-q", "--no-install-recommends", ...pkgs], { env, stdio: "ignore" });
  try { install(); return true; } catch { /* the lists may be stale */ }
  try { execFileSync("apt-get", ["update", "-q"], { env, stdio: "ignore" }); install(); return true; } catch { return false; }
}

/** The compiler for `t`: the system's own for this machine's architecture, else the cross one. */
function compilerFor(/** @type {typeof TARGETS[number]} */ t) {
  if (t.arch === process.arch) return findCompiler();
  const cross = `${t.triple}-gcc`;
  // The cross compiler and the target's libc headers come in two packages.
  const ready = () => findCompiler([cross]) && existsSync(`/usr/${t.triple}/include/errno.h`);
  if (!ready() && process.getuid?.() === 0) {
    console.log(`numabind: installing ${t.apt.join(" ")} with apt-get to cross-compile for linux-${t.arch}`);
    aptInstall(t.apt);
  }
  return ready() ? cross : undefined;
}

const headers = nodeApiHeaders();
rmSync(join(root, "prebuilds"), { recursive: true, force: true });
for (const t of TARGETS) {
  const cc = compilerFor(t);
  if (!cc) { console.log(`numabind: no prebuilt binaries for linux-${t.arch}: no ${t.triple} C compiler`); continue; }
  const out = compileNative({ cc, outDir: join(root, "prebuilds", `linux-${t.arch}`), addon: "node.napi.glibc.node", ...(headers ? { headers } : {}) });
  // numabind bench's C reference kernels travel with the shim.
  compileBench({ cc, outDir: join(root, "prebuilds", `linux-${t.arch}`) });
  console.log(`numabind: prebuilt ${out.addon ? "the shim and the Node-API addon" : "the shim"} for linux-${t.arch} with ${cc}`);
}
