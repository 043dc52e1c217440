// The `numabind` command as shipped (package.json "bin"): the compiled CLI (dist/host/cli/)
// bundled into dist/cli/, so that a command loads a few modules instead of ~200. Node 20's
// module loader costs ~0.5 ms a module: `numabind show` starts in ~0.2 s instead of ~0.35 s,
// and many times that under the multi-node guests' emulation. The library's own entry points
// (dist/host/...) stay unbundled: one copy of each module for code that imports them.
// migrate_child is its own entry: `numabind migrate` runs it as a child beside main.js.
import { readFileSync } from "node:fs";

const { dependencies } = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8"));
// A dependency's name, and any subpath of it, stays an import; its dots and slashes matched as such.
const literal = (name) => name.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
const external = [/^node:/, ...Object.keys(dependencies).map((d) => new RegExp(`^${literal(d)}(/|$)`))];

export default {
  input: { main: "dist/host/cli/main.js", migrate_child: "dist/host/cli/migrate_child.js" },
  platform: "node",
  external,
  output: { dir: "dist/cli", cleanDir: true, format: "esm", entryFileNames: "[name].js", chunkFileNames: "[name].js" },
};
