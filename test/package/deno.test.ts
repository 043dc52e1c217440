// numabind under Deno with exactly the documented permissions, and with each one removed:
// the error must name the permission. (The operations themselves are test/deno/, run by
// `npm run test:deno`; this file spawns Deno from the Node suite to vary its flags.)
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, test } from "vitest";
import { root, tempDir } from "../helpers/child.ts";

const deno = join(root, "node_modules", ".bin", "deno");
const script = join(tempDir(), `deno-perms-${process.pid}.ts`);
writeFileSync(script, `const nb = await import(${JSON.stringify(pathToFileURL(join(root, "host", "deno.ts")).href)});
const page = nb.topology().pageSize;
const buf = nb.alloc(4 * page, { mode: "default" });
const r = nb.bindBatch([{ target: buf, policy: { mode: "interleave", nodes: "0" } }]);
console.log(JSON.stringify({ ok: r.ok, mode: nb.getPolicy(buf).mode, path: nb.available().path }));
`);
const run = (flags: string[]) => spawnSync(deno, ["run", "--no-prompt", ...flags, script], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });

describe("Deno permissions", () => {
  test("--allow-ffi and --allow-read of the package are enough: bind and read back, through the shim", () => {
    const r = run(["--allow-ffi", `--allow-read=${root}`]);
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toEqual({ ok: true, mode: "interleave", path: "shim" });
  });

  test("without --allow-ffi, the error names --allow-ffi", () => {
    const r = run([`--allow-read=${root}`]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/NotCapable: Requires ffi access to "libc\.so\.6", run again with the --allow-ffi flag/);
  });

  test("without --allow-read of the package, the error names --allow-read and the folder", () => {
    const r = run(["--allow-ffi"]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/Cannot load the numabind engine .*run Deno with --allow-read=/);
    expect(r.stderr).toContain(`--allow-read=${root}/`);
  });
});

describe("Deno's own checks of the sources", () => {
  test("deno check is clean on the entry points", () => {
    const r = spawnSync(deno, ["check", "host/deno.ts", "host/core/mod.ts", "host/mod.ts"], { cwd: root, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.status).toBe(0);
  }, 120_000);

  test("deno publish --dry-run passes with the package's deno.json, engine included", () => {
    const r = spawnSync(deno, ["publish", "--dry-run", "--allow-dirty"], { cwd: root, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
    expect(r.status).toBe(0);
    const out = r.stdout + r.stderr;
    expect(out).toMatch(/Dry run complete/);
    expect(out).toContain("build/engine.wasm");
    expect(out).not.toContain("host/backends/ffi_rs/");
  }, 120_000);
});

describe("the Deno entry and the Node entry", () => {
  test("export the same API, less what is Node's own (worker_threads placement, the ffi-rs backend)", async () => {
    const nodeOnly = ["openBackend", "unavailable", "spawnOnNode", "placeOnNodes", "planPlacement"];
    const node = Object.keys(await import("../../host/mod.ts")).filter((k) => !nodeOnly.includes(k)).sort();
    const probe = join(tempDir(), `deno-keys-${process.pid}.ts`);
    writeFileSync(probe, `console.log(JSON.stringify(Object.keys(await import(${JSON.stringify(pathToFileURL(join(root, "host", "deno.ts")).href)})).sort()));`);
    const r = spawnSync(deno, ["run", "--no-prompt", "--allow-ffi", `--allow-read=${root}`, probe], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toEqual(node);
  });
});
