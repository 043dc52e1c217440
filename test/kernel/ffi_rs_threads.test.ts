import { existsSync, readdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import {
  addonPaths, LIBC_SYMBOLS, openFfiRs, SHIM_SYMBOLS, withFfiLock,
} from "../../host/backends/ffi_rs/mod.ts";
import { root } from "../helpers/child.ts";

// What makes numabind safe from worker threads (workers.test.ts runs the real thing):
// every symbol resolved once under a process lock, and ffi-rs's addon never unloaded.

test("the warm-up resolves every symbol the backends call through ffi-rs", () => {
  const dir = join(root, "host", "backends");
  const used = new Set<string>();
  const files = (readdirSync(dir, { recursive: true }) as string[])
    .filter((n) => n.endsWith(".ts") && !n.endsWith("ffi_rs/warm.ts") && !n.endsWith("ffi_rs/pin.ts"));
  for (const f of files) {
    const src = readFileSync(join(dir, f), "utf8");
    for (const m of src.matchAll(/prepare\(lib, \w+, "(\w+)"/g)) used.add(m[1]!);
    for (const m of src.matchAll(/\bf\("(\w+)"/g)) used.add(m[1]!);
  }
  expect(used.size).toBeGreaterThan(10);
  expect([...used].filter((s) => !([...LIBC_SYMBOLS, ...SHIM_SYMBOLS] as string[]).includes(s))).toEqual([]);
});

test("ffi-rs's addon is found in this process's mappings (to be pinned with RTLD_NODELETE)", () => {
  expect(openFfiRs().backend).toBeDefined();
  const paths = addonPaths();
  expect(paths.length).toBeGreaterThan(0);
  for (const p of paths) expect(p).toMatch(/ffi-rs.*\.node$/);
  expect(addonPaths("7f0-7f1 r-xp 0 00:00 1 /x/node_modules/@yuuang/ffi-rs-linux-x64-gnu/ffi-rs.linux-x64-gnu.node\n7f1-7f2 r-- 0 0 0 /usr/lib/libc.so.6"))
    .toEqual(["/x/node_modules/@yuuang/ffi-rs-linux-x64-gnu/ffi-rs.linux-x64-gnu.node"]);
});

test("withFfiLock() removes a lock file left by an earlier process with the same pid, and cleans up after itself", () => {
  const dir = existsSync("/dev/shm") ? "/dev/shm" : undefined;
  if (!dir) return;
  const path = join(dir, `numabind-ffi-${process.pid}.lock`);
  writeFileSync(path, "");
  const old = (Date.now() - process.uptime() * 1000 - 60_000) / 1000;
  utimesSync(path, old, old);
  const t0 = performance.now();
  expect(withFfiLock(() => existsSync(path))).toBe(true); // held while fn runs
  expect(performance.now() - t0).toBeLessThan(1000);
  expect(existsSync(path)).toBe(false);
});
