import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { expect, test } from "vitest";
import { root, tempDir } from "../helpers/child.ts";

// A machine without a C compiler: the build says so in one line and does not fail, and the
// host, finding no shim (built or prebuilt), binds through one libc syscall() per op, and
// says so: available().pathReason, and one warning on the first batch.

test("native/build.mjs without any C compiler prints one line and exits 0, building nothing", () => {
  const copy = join(tempDir(), `nocc-${process.pid}`);
  cpSync(join(root, "native"), join(copy, "native"), { recursive: true });
  // A PATH holding node alone: no cc, gcc or clang to find.
  const bin = join(copy, "bin");
  mkdirSync(bin);
  symlinkSync(process.execPath, join(bin, "node"));
  const r = spawnSync(join(bin, "node"), [join(copy, "native", "build.mjs")], {
    encoding: "utf8", env: { PATH: bin },
  });
  expect(r.status).toBe(0);
  expect(r.stderr).toBe("");
  expect(r.stdout.trim().split("\n")).toEqual(["numabind: no C compiler found; the batch shim is not built here (prebuilt binaries, or one syscall per op), nor the C kernels of `numabind bench` (it reports them unavailable)"]);
  expect(existsSync(join(copy, "build", "libnumabind.so"))).toBe(false);
});

test("a package without build/libnumabind.so binds through the per-op fallback, and the kernel agrees", () => {
  // The package as installed where nothing native was built: dist/, the engine, package.json.
  const copy = join(tempDir(), `noshim-${process.pid}`);
  cpSync(join(root, "dist"), join(copy, "dist"), { recursive: true });
  mkdirSync(join(copy, "build"));
  cpSync(join(root, "build", "engine.wasm"), join(copy, "build", "engine.wasm"));
  cpSync(join(root, "package.json"), join(copy, "package.json"));
  symlinkSync(join(root, "node_modules"), join(copy, "node_modules"));
  const script = `const nb = await import(${JSON.stringify(pathToFileURL(join(copy, "dist/host/mod.js")).href)});
const page = nb.topology().pageSize;
const buf = nb.alloc(8 * page, { mode: "default" });
nb.bind(new Uint8Array(buf, page, 2 * page), { mode: "interleave", nodes: [0] });
console.log(JSON.stringify({ available: nb.available(), policy: nb.getPolicy(new Uint8Array(buf, page, page)).mode, outside: nb.getPolicy(buf).mode }));`;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", env: { ...process.env, NUMABIND_NO_SHIM: "" } });
  // Never silent: one warning, with the fix.
  const warnings = r.stderr.split("\n").filter((l) => l.includes("[NUMABIND_NO_SHIM]"));
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toMatch(/numabind: the C batch shim is not available.*npm rebuild numabind/);
  const out = JSON.parse(r.stdout) as { available: { ok: boolean; backend: string; path: string; singleCalls: string; pathReason: string }; policy: string; outside: string };
  expect(out.available).toMatchObject({ ok: true, backend: "ffi-rs", path: "syscall", singleCalls: "ffi-rs" });
  expect(out.available.pathReason).toMatch(/no prebuilt shim for linux-x64 and none was compiled at install/);
  expect(out.policy).toBe("interleave");
  expect(out.outside).toBe("default");
});
