import type { System } from "../../core/system/mod.ts";
import type { Libc } from "./libc.ts";

/**
 * The package's root as a file: URL, from this module's place: host/runtime/ in a checkout
 * or a local path, dist/host/runtime/ when Deno loads the npm package.
 * @example Basic usage
 * ```ts
 * new URL("build/engine.wasm", denoPackageRoot());
 * ```
 */
export function denoPackageRoot(from = import.meta.url): URL {
  return new URL(from.includes("/dist/host/") ? "../../../../" : "../../../", from);
}

/**
 * The system port under Deno. /proc and /sys are read through libc (open, read, opendir over
 * FFI): Deno's own file APIs ask for --allow-all for any file there (its special-file rule),
 * while native code needs only --allow-ffi. The engine's Wasm comes loaded (loadEngine).
 * @example Basic usage
 * ```ts
 * setSystem(denoSystem(openLibc(Deno), await loadEngine()));
 * ```
 */
export function denoSystem(libc: Libc, engine: Uint8Array): System {
  const readFile = (path: string): Uint8Array | undefined => {
    let fd: number;
    try { fd = libc.open(path); } catch { return undefined; }
    try {
      const chunks: Uint8Array[] = [];
      let total = 0;
      for (;;) {
        const b = new Uint8Array(65536);
        const n = libc.read(fd, b, 0, b.length);
        if (n <= 0) break;
        chunks.push(b.subarray(0, n)); total += n;
      }
      const out = new Uint8Array(total);
      let at = 0;
      for (const c of chunks) { out.set(c, at); at += c.length; }
      return out;
    } catch { return undefined; } finally { libc.close(fd); }
  };
  return {
    readFile,
    listDir: (path) => libc.listDir(path),
    open: (path) => libc.open(path),
    read: (fd, buf, offset, length) => libc.read(fd, buf, offset, length),
    close: (fd) => libc.close(fd),
    kernelRelease: () => new TextDecoder().decode(readFile("/proc/sys/kernel/osrelease") ?? new Uint8Array()).trim(),
    engineBytes: () => engine,
  };
}

/**
 * The engine's Wasm, fetched from the package: a file (--allow-read of the package) from a
 * checkout, a local path or the npm package, or over HTTPS from JSR (--allow-net for its
 * host), which serves every published file but downloads only modules.
 * @example Basic usage
 * ```ts
 * const wasm = await loadEngine();
 * ```
 */
export async function loadEngine(root = denoPackageRoot()): Promise<Uint8Array> {
  const url = new URL("build/engine.wasm", root);
  try {
    const r = await fetch(url);
    if (!r.ok) throw new Error(`HTTP ${r.status}`);
    return new Uint8Array(await r.arrayBuffer());
  } catch (e) {
    const grant = url.protocol === "file:" ? `--allow-read=${root.pathname}` : `--allow-net=${url.host}`;
    throw new Error(`Cannot load the numabind engine from ${url.href} (${(e as Error).message.split("\n")[0]}): run Deno with ${grant}, or "npm run build" in a checkout`, { cause: e });
  }
}
