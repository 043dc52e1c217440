import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { expect, test } from "vitest";
import { root } from "../helpers/child.ts";
import { denyMempolicyLauncher } from "../helpers/seccomp.ts";

test("the demo where mbind is denied (a real seccomp filter, as Docker's default profile) says why and exits 0", () => {
  const r = spawnSync(denyMempolicyLauncher(), [process.execPath, join(root, "dist/cli/main.js"), "demo"], { encoding: "utf8", timeout: 60_000 });
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/backend {6}ffi-rs\+shim: cannot bind: not permitted \(EPERM\): .*seccomp/);
  expect(r.stdout).toMatch(/1,200 single-page requests/);
  expect(r.stdout).toMatch(/bind {9}skipped: not permitted \(EPERM\)/);
  expect(r.stdout).not.toMatch(/ops match/);
});
