// Benchmark of the package as users install it (docs/benchmarks.md): packs numabind (with its
// pack step, which builds the prebuilt binaries), installs the tarball into a fresh project,
// and runs bench/bind.mjs there, where "numabind" resolves to the installed copy: the ratios to
// the C loop must match those from the checkout (`npm run bench:bind`).
// Usage: npm run bench:installed [-- any bench/bind.mjs options]
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const work = mkdtempSync(join(tmpdir(), "numabind-installed-"));
try {
  execFileSync(process.execPath, [join(root, "native", "prebuild.mjs")], { cwd: root, stdio: "inherit" });
  const tgz = execFileSync("npm", ["pack", "--silent", "--ignore-scripts", "--pack-destination", work], { cwd: root, encoding: "utf8" }).trim().split("\n").at(-1);
  const project = join(work, "project");
  mkdirSync(project);
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "bench-installed", version: "1.0.0", type: "module", private: true }));
  // fast-check too: bench/bind.mjs shuffles its cases with it.
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", join(work, tgz), "fast-check"], { cwd: project, stdio: "inherit" });
  // The benchmark and its C loop, beside the installed package; the loop includes native/numabind.h.
  for (const d of ["bench", "native"]) cpSync(join(root, d), join(project, d), { recursive: true });
  execFileSync(process.execPath, [join(project, "bench", "bind.mjs"), ...process.argv.slice(2)], { cwd: project, stdio: "inherit" });
} finally {
  rmSync(work, { recursive: true, force: true });
}
