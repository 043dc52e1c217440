// `npm test` on a fresh clone: install what is missing, then build, so the suite always runs
// against the sources as they are (the engine, the shim and dist/ are build outputs).
import { execSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname, "..", "..");
const run = (cmd) => execSync(cmd, { cwd: root, stdio: "inherit" });
if (!existsSync(join(root, "node_modules", "vitest"))) run("npm ci"); // prepare builds too
else run("npm run --silent build");
