import { closeSync, openSync, readdirSync, readFileSync, readSync } from "node:fs";
import { Buffer } from "node:buffer";
import { release } from "node:os";
import { join } from "node:path";
import { isMainThread } from "node:worker_threads";
import type { System } from "../core/system/mod.ts";
import { packageRoot } from "./package_root.ts";

/**
 * The system port on Node.js: node:fs for /proc, /sys and the package's build/engine.wasm,
 * node:os for the kernel release.
 * @example Basic usage
 * ```ts
 * const sys = nodeSystem();
 * expect(sys.listDir("/proc/self")).toContain("maps");
 * ```
 */
export function nodeSystem(): System {
  return {
    readFile(path) {
      try { return readFileSync(path); } catch { return undefined; }
    },
    listDir(path) {
      try { return readdirSync(path); } catch { return undefined; }
    },
    open: (path) => openSync(path, "r"),
    read: (fd, buf, offset, length) => readSync(fd, buf, offset, length, null),
    close: (fd) => closeSync(fd),
    kernelRelease: () => release(),
    // The pool is Buffer.poolSize bytes, and the current one is where the next small Buffer
    // comes from (Buffer.allocUnsafe(1) takes 8 bytes of it). An older pool gets no new
    // Buffers; its page is shared only with Buffers made before.
    onWorkerExit: (fn) => { if (!isMainThread) process.once("exit", fn); },
    sharedPool: (buf, length) => length === Buffer.poolSize && Buffer.allocUnsafe(1).buffer === buf,
    engineBytes() {
      const path = join(packageRoot(import.meta.url), "build", "engine.wasm");
      try {
        return readFileSync(path);
      } catch (e) {
        throw new Error(`Cannot load the numabind engine: ${path} is missing; run "npm run build"`, { cause: e });
      }
    },
  };
}
