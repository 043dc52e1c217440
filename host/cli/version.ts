import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * numabind's version, from the package.json above this file: the CLI runs from `dist/` in a
 * checkout and an installed package, and from `host/` in tests, at different depths.
 * @example Basic usage
 * ```ts
 * expect(packageVersion()).toMatch(/^\d+\.\d+\.\d+/);
 * ```
 */
export function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, "package.json");
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: string; version?: string };
      if (pkg.name === "numabind" && pkg.version) return pkg.version;
    }
    const up = dirname(dir);
    if (up === dir) return "unknown";
    dir = up;
  }
}
