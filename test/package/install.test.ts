// numabind as users install it: `npm pack` (whose pack step builds the prebuilt binaries),
// then the tarball installed into a fresh project with --omit=dev and no C compiler on PATH.
// The installed package must take the shim and Node-API paths and bind real memory; and the
// arm64 binaries must export what the x64 ones do and run under qemu-user.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { ensureApt } from "../helpers/apt.ts";
import { root, tempDir } from "../helpers/child.ts";

let tarball = "";
const work = join(tempDir(), `pack-${process.pid}`);

beforeAll(() => {
  mkdirSync(work, { recursive: true });
  // The pack step (prepack: native/prebuild.mjs) run first, then npm pack without its scripts:
  // `prepare` would rebuild dist/ under the other test files' feet (the global setup built it).
  execFileSync(process.execPath, [join(root, "native", "prebuild.mjs")], { cwd: root, stdio: "ignore" });
  const out = execFileSync("npm", ["pack", "--silent", "--ignore-scripts", "--pack-destination", work], { cwd: root, encoding: "utf8", maxBuffer: 64 << 20 });
  tarball = join(work, out.trim().split("\n").at(-1)!);
}, 600_000);

/** A PATH holding node, npm and sh only: no cc, gcc or clang. */
function bareBin(): string {
  const bin = join(work, "bin");
  if (existsSync(bin)) return bin;
  mkdirSync(bin);
  const npmCli = realpathSync(execFileSync("sh", ["-c", "command -v npm"], { encoding: "utf8" }).trim());
  for (const [name, target] of [["node", process.execPath], ["npm", npmCli], ["sh", "/bin/sh"], ["env", "/usr/bin/env"]] as const) symlinkSync(target, join(bin, name));
  return bin;
}

describe("the packed tarball", () => {
  test("ships prebuilt binaries for linux-x64 and linux-arm64, laid out for node-gyp-build, and the bundled command", () => {
    const list = execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" }).split("\n");
    for (const arch of ["x64", "arm64"]) {
      expect(list).toContain(`package/prebuilds/linux-${arch}/libnumabind.so`);
      expect(list).toContain(`package/prebuilds/linux-${arch}/node.napi.glibc.node`);
      expect(list).toContain(`package/prebuilds/linux-${arch}/libnumabind_bench.so`);   // numabind bench's C kernels
    }
    expect(list.some((f) => f.startsWith("package/build/libnumabind"))).toBe(false); // nothing from this machine's build/
    // The command as bundled, and not the compiled modules it is bundled from, which nothing runs.
    expect(list).toContain("package/dist/cli/main.js");
    expect(list.some((f) => f.startsWith("package/dist/host/cli/"))).toBe(false);
  });

  test("installed with --omit=dev and no C compiler: the shim and Node-API paths, and memory bound", () => {
    const project = join(work, "project");
    mkdirSync(project, { recursive: true });
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "user-project", version: "1.0.0", type: "module", private: true }));
    const env: Record<string, string | undefined> = { ...process.env, PATH: bareBin(), CC: "" };
    delete env.NUMABIND_NO_SHIM; delete env.NUMABIND_NO_NODE_API;
    const cc = spawnSync("sh", ["-c", "command -v cc gcc clang"], { env, encoding: "utf8" });
    expect(cc.stdout.trim()).toBe(""); // really no compiler
    execFileSync("npm", ["install", "--omit=dev", "--no-audit", "--no-fund", "--prefer-offline", tarball], { cwd: project, env, stdio: "pipe" });
    const installed = join(project, "node_modules", "numabind");
    expect(existsSync(join(installed, "build", "libnumabind.so"))).toBe(false); // nothing was compiled
    writeFileSync(join(project, "use.mjs"), `
import { alloc, available, getPolicy, bindBatch, topology } from "numabind";
const a = available();
const page = topology().pageSize;
const buf = alloc(16 * page, { mode: "default" });
const r = bindBatch(Array.from({ length: 16 }, (_, i) => ({ target: new Uint8Array(buf, i * page, page), policy: { mode: i % 2 ? "bind" : "interleave", nodes: "0" } })));
console.log(JSON.stringify({ path: a.path, singleCalls: a.singleCalls, pathReason: a.pathReason ?? null, ok: r.ok, syscalls: r.syscalls, modes: [0, 1].map((i) => getPolicy(new Uint8Array(buf, i * page, page)).mode) }));
`);
    const run = spawnSync(process.execPath, ["use.mjs"], { cwd: project, env, encoding: "utf8" });
    expect(run.stderr).toBe(""); // no warning: the native path was found
    expect(JSON.parse(run.stdout)).toEqual({ path: "shim", singleCalls: "node-api", pathReason: null, ok: true, syscalls: 16, modes: ["interleave", "bind"] });
    // numabind bench finds its prebuilt C kernels too.
    const k = spawnSync(process.execPath, ["--input-type=module", "-e", `import { openKernels } from "numabind/bench"; const k = openKernels(); console.log(k.ok ? k.kernels.path : k.reason);`], { cwd: project, env, encoding: "utf8" });
    expect(k.stdout.trim()).toBe(join(realpathSync(installed), "prebuilds", `linux-${process.arch}`, "libnumabind_bench.so"));
    // The `numabind` command npm linked is the bundled CLI (dist/cli/), its dependencies found
    // in the project's node_modules; it reads this process's policy as numactl --show does.
    const bin = join(project, "node_modules", ".bin", "numabind");
    expect(realpathSync(bin)).toBe(join(realpathSync(installed), "dist", "cli", "main.js"));
    const show = spawnSync(bin, ["show"], { cwd: project, env, encoding: "utf8" });
    expect(show.stderr).toBe("");
    expect(show.stdout).toMatch(/^policy: default$/m);
    expect(show.stdout).toMatch(/^nodebind: 0\b/m);
  }, 300_000);

  test("the installed package under Deno (its \"deno\" export): --allow-ffi and --allow-read of the project, the prebuilt shim", () => {
    const project = join(work, "project");
    writeFileSync(join(project, "use_deno.ts"), `import { available, alloc, bind, getPolicy, topology } from "numabind";
const page = topology().pageSize, buf = alloc(4 * page, { mode: "default" });
bind(buf, { mode: "interleave", nodes: "0" });
console.log(JSON.stringify({ backend: available().backend, path: available().path, mode: getPolicy(buf).mode }));
`);
    const deno = join(root, "node_modules", ".bin", "deno");
    const r = spawnSync(deno, ["run", "--no-prompt", "--node-modules-dir=manual", "--allow-ffi", `--allow-read=${project}`, "use_deno.ts"],
      { cwd: project, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toEqual({ backend: "deno+shim", path: "shim", mode: "interleave" });
  }, 120_000);

  test("with no prebuilt shim and no compiler, the fallback says why in available() and warns once on the first batch", () => {
    const project = join(work, "project");
    const installed = join(project, "node_modules", "numabind");
    const env = { ...process.env, PATH: bareBin(), NUMABIND_PREBUILD: join(work, "nowhere") };
    // The prebuilt shim hidden, as on an architecture the package has none for.
    writeFileSync(join(project, "fallback.mjs"), `
import { renameSync } from "node:fs";
const dir = ${JSON.stringify(join(installed, "prebuilds"))};
renameSync(dir, dir + ".hidden");
try {
  const { available, bindBatch, alloc, topology } = await import("numabind");
  const page = topology().pageSize, buf = alloc(4 * page, { mode: "default" });
  const batch = () => bindBatch([{ target: buf, policy: { mode: "bind", nodes: "0" } }]).ok;
  console.log(JSON.stringify({ path: available().path, pathReason: available().pathReason, first: batch(), second: batch() }));
} finally { renameSync(dir + ".hidden", dir); }
`);
    const run = spawnSync(process.execPath, ["fallback.mjs"], { cwd: project, env, encoding: "utf8" });
    const out = JSON.parse(run.stdout);
    expect(out).toMatchObject({ path: "syscall", first: true, second: true });
    expect(out.pathReason).toMatch(/no prebuilt shim for linux-x64.*install a C compiler.*npm rebuild numabind/);
    const warnings = run.stderr.split("\n").filter((l) => l.includes("NUMABIND_NO_SHIM") || l.includes("numabind: the C batch shim"));
    expect(warnings).toHaveLength(1);
  }, 120_000);
});

describe("the arm64 prebuilt binaries", () => {
  const dir = (arch: string) => join(root, "prebuilds", `linux-${arch}`);
  const exported = (file: string) => execFileSync("readelf", ["--dyn-syms", "-W", file], { encoding: "utf8" }).split("\n")
    .map((l) => l.trim().split(/\s+/)).filter((f) => f[4] === "GLOBAL" && f[6] !== "UND").map((f) => f[7]!).sort();
  const glibc = (file: string) => [...execFileSync("readelf", ["-V", "-W", file], { encoding: "utf8" }).matchAll(/GLIBC_(\d+)\.(\d+)/g)]
    .map((m) => Number(m[1]) * 1000 + Number(m[2]));

  test("export the same symbols as the x64 ones and need no newer glibc than them (or aarch64's first, 2.17)", () => {
    expect(readdirSync(dir("arm64")).sort()).toEqual(readdirSync(dir("x64")).sort());
    for (const f of ["libnumabind.so", "node.napi.glibc.node", "libnumabind_bench.so"]) {
      expect(exported(join(dir("arm64"), f))).toEqual(exported(join(dir("x64"), f)));
      const newest = Math.max(...glibc(join(dir("arm64"), f)));
      expect(newest).toBeLessThanOrEqual(Math.max(2017, ...glibc(join(dir("x64"), f))));
    }
    expect(execFileSync("readelf", ["-h", join(dir("arm64"), "libnumabind.so")], { encoding: "utf8" })).toMatch(/AArch64/);
  });

  test("the shim's C self-test runs under qemu-aarch64-static (ENOSYS accepted from qemu-user's kernel calls)", () => {
    expect(ensureApt(["qemu-user-static"], () => existsSync("/usr/bin/qemu-aarch64-static")), "qemu-user-static installs").toBe(true);
    const exe = join(work, "selftest-arm64");
    execFileSync("aarch64-linux-gnu-gcc", ["-O2", "-Wall", "-Werror", "-I", join(root, "native"), "-o", exe,
      join(root, "test", "package", "fixtures", "shim_selftest.c"), "-L", dir("arm64"), "-l:libnumabind.so"]);
    const r = spawnSync("/usr/bin/qemu-aarch64-static", ["-L", "/usr/aarch64-linux-gnu", exe], {
      encoding: "utf8", env: { ...process.env, LD_LIBRARY_PATH: dir("arm64") },
    });
    expect(r.stdout.trim()).toBe("ok");
    expect(r.status).toBe(0);
  }, 300_000);
});
