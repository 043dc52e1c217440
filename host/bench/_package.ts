// numabind's package root and version, found from this file: the bench runs from host/bench in
// tests and from dist/host/bench in a checkout or an installed package, at different depths.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The folder of numabind's package.json above this module, and its version.
 * @example Basic usage
 * ```ts
 * const pkg = numabindPackage();
 * assert(pkg.version !== "");
 * ```
 */
export function numabindPackage(from = import.meta.url): { root?: string; version: string } {
  let dir = dirname(fileURLToPath(from));
  for (;;) {
    const file = join(dir, "package.json");
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: string; version?: string };
      if (pkg.name === "numabind") return { root: dir, version: pkg.version ?? "unknown" };
    }
    const up = dirname(dir);
    if (up === dir) return { version: "unknown" };
    dir = up;
  }
}
