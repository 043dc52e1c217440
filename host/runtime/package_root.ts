import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Finds numabind's package root (the folder of its package.json) from a module URL, so that
 * build outputs resolve the same way from source (host/...) and from the compiled dist/host/...
 * @param from a module's import.meta.url
 * @returns the absolute package root
 * @example Locate the engine
 * ```ts
 * const wasm = join(packageRoot(import.meta.url), "build", "engine.wasm");
 * ```
 */
export function packageRoot(from: string): string {
  let dir = dirname(fileURLToPath(from));
  for (;;) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, "utf8")).name === "numabind") return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`Cannot find numabind's package.json above ${from}`);
    dir = up;
  }
}
