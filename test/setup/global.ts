import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(import.meta.dirname, "..", "..");

/** Newest modification time of the files under `dir` whose names end in one of `exts`. */
function newest(dir: string, exts: string[]): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newest(p, exts));
    else if (exts.some((x) => e.name.endsWith(x))) t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}
const mtime = (p: string): number => (existsSync(p) ? statSync(p).mtimeMs : 0);

/** strace proves which syscalls ran; install it (Debian package) when it is missing. */
function ensureStrace(): void {
  if (spawnSync("strace", ["-V"], { stdio: "ignore" }).status === 0) return;
  const apt = (...a: string[]) => spawnSync("apt-get", ["-o", "DPkg::Lock::Timeout=300", ...a], { stdio: "inherit" });
  if (apt("install", "-y", "--no-install-recommends", "strace").status !== 0) {
    apt("update");
    apt("install", "-y", "--no-install-recommends", "strace");
  }
  if (spawnSync("strace", ["-V"], { stdio: "ignore" }).status !== 0) {
    throw new Error("strace is missing and `apt-get install strace` failed: the syscall-count tests need it (run as root with apt, or install strace)");
  }
}

// Tests import host/ from source, but the engine and the shim are build outputs, and child
// processes (strace, seccomp, fuzz) run dist/: rebuild what is stale, so `npx vitest` works
// without `npm test`'s full build.
export default function setup(): () => void {
  if (!existsSync(join(root, "build", "engine.wasm"))) {
    throw new Error("build/engine.wasm is missing: run `npm run build` (npm install runs it)");
  }
  if (newest(join(root, "native"), [".c", ".h"]) > mtime(join(root, "build", "libnumabind.so"))) {
    execFileSync(process.execPath, [join(root, "native", "build.mjs")], { cwd: root, stdio: "inherit" });
  }
  const sources = Math.max(newest(join(root, "host"), [".ts"]), mtime(join(root, "assembly", "abi.ts")));
  if (sources > mtime(join(root, "dist", "host", "mod.js"))) {
    execFileSync(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"], { cwd: root, stdio: "inherit" });
  }
  ensureStrace();
  // One scratch directory for the whole run; test files make theirs inside it.
  const tmp = process.env.NUMABIND_TEST_TMP = mkdtempSync(join(tmpdir(), "numabind-run-"));
  return () => rmSync(tmp, { recursive: true, force: true });
}
