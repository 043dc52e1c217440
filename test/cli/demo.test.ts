import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { expect, test } from "vitest";
import { unavailable } from "../../host/backends/mod.ts";
import { runDemo } from "../../host/cli/commands/mod.ts";
import { createNumabind } from "../../host/core/mod.ts";

const root = join(import.meta.dirname, "..", "..");

test("the demo (npm start) binds 1,200 requests in 10 ops and every op matches numa_maps", () => {
  const out = execFileSync(process.execPath, [join(root, "dist/cli/main.js"), "demo"], { encoding: "utf8" });
  expect(out).toMatch(/1,200 single-page requests/);
  expect(out).toMatch(/10 ops after coalescing \(1,190 requests merged\)/);
  expect(out).toMatch(/10 mbind syscalls through 1 FFI call/);
  expect(out).toMatch(/10\/10 ops match the kernel's view/);
  expect(out).toMatch(/verify\(\) {5}ok: 10 mapping pieces by get_mempolicy, numa_maps text, 840 touched pages located/);
  expect(out).not.toMatch(/MISMATCH/);
  expect(out).toMatch(/^ {2}0x[0-9a-f]+-0x[0-9a-f]+ +120 +bind:0 +bind:0 +120 +ok$/m);
});

test("the demo run under a thread policy (as numactl --membind runs it) still matches: default runs show the thread's policy", () => {
  // set_mempolicy is inherited across fork and exec, so the demo runs under bind:0.
  const script = `const nb = await import(${JSON.stringify(pathToFileURL(join(root, "dist/host/mod.js")).href)});
nb.setThreadPolicy({ mode: "bind", nodes: [0] });
const { execFileSync } = await import("node:child_process");
process.stdout.write(execFileSync(process.execPath, [${JSON.stringify(join(root, "dist/cli/main.js"))}, "demo"], { encoding: "utf8" }));`;
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
  expect(out).toMatch(/10\/10 ops match the kernel's view/);
  expect(out).toMatch(/^ {2}0x[0-9a-f]+-0x[0-9a-f]+ +120 +bind:0 +bind:0 +120 +ok$/m);
  expect(out.match(/ +120 +bind:0 +bind:0 +120 +ok$/gm)).toHaveLength(3); // two bind runs and the default run
});

test("the demo on the unavailable backend (no kernel access, no mock) says why and still plans", () => {
  const lines: string[] = [];
  const code = runDemo(createNumabind(unavailable("test: mbind is out of reach")), (s) => lines.push(s));
  const out = lines.join("\n");
  expect(code).toBe(0);
  expect(out).toMatch(/cannot bind: test: mbind is out of reach/);
  expect(out).toMatch(/bind {9}skipped/);
});
