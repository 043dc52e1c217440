// `npm test` on a fresh clone: install what is missing, then build, so the suite always runs
// against the sources as they are (the engine, the shim and dist/ are build outputs).
import { execSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname, "..", "..");
const run = (cmd) => execSync(cmd, { cwd: root, stdio: "inherit" });
// npm writes node_modules/.package-lock.json on install: older than the lock file means the
// dependencies changed since (a pull, a merge), so install again.
const installed = join(root, "node_modules", ".package-lock.json");
const stale = !existsSync(installed) || statSync(installed).mtimeMs < statSync(join(root, "package-lock.json")).mtimeMs;
if (stale) run("npm ci"); // prepare builds too
else run("npm run --silent build");
