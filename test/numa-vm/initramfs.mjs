// @ts-check
// The guest's initramfs: static busybox, init.sh as /init, and the modules that reach the host's
// root (virtio-pci, 9p over virtio, overlay) with their dependencies, taken from the installed
// kernel. Built once and cached; rebuilt when the kernel or the harness changes.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { gunzipSync } from "node:zlib";
import { fullKernels } from "./packages.mjs";

const here = import.meta.dirname;

/** The repository's git-ignored cache folder for built initramfs images. */
export const CACHE_DIR = join(here, "..", "..", ".cache", "numa-vm");

/** Modules the guest's init loads (their dependencies come from modules.dep). */
export const WANTED_MODULES = ["virtio_pci", "9pnet_virtio", "9p", "overlay"];

/**
 * @typedef {{ version: string, vmlinuz: string, modulesDir: string }} Kernel
 */

/**
 * The newest full (non-cloud) Debian kernel installed under /boot.
 * @returns {Kernel}
 * @example
 * ```js
 * pickKernel().version;   // "6.1.0-56-amd64"
 * ```
 */
export function pickKernel() {
  const versions = fullKernels().sort(compareVersions);
  const version = versions.at(-1);
  if (!version) throw new Error("Cannot boot the guest: no full kernel in /boot (install linux-image-amd64, not -cloud-)");
  return { version, vmlinuz: `/boot/vmlinuz-${version}`, modulesDir: `/lib/modules/${version}` };
}

/** @param {string} a @param {string} b */
function compareVersions(a, b) {
  const pa = a.split(/[.-]/), pb = b.split(/[.-]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? "", y = pb[i] ?? "";
    const d = /^\d+$/.test(x) && /^\d+$/.test(y) ? Number(x) - Number(y) : x.localeCompare(y);
    if (d) return d;
  }
  return 0;
}

/** "9pnet_virtio" for ".../9pnet-virtio.ko.xz": modprobe treats - and _ alike. */
const moduleName = (/** @type {string} */ path) => basename(path).replace(/\.ko(\.\w+)?$/, "").replaceAll("-", "_");

/**
 * Module files (relative to the modules folder) to load, dependencies before dependents.
 * Built-in modules are skipped: the kernel has them already.
 * @param {string} modulesDir e.g. /lib/modules/6.1.0-56-amd64
 * @param {string[]} wanted module names
 * @returns {string[]}
 * @example
 * ```js
 * moduleLoadOrder("/lib/modules/6.1.0-56-amd64", ["9p"]);
 * // ["kernel/net/9p/9pnet.ko", "kernel/fs/netfs/netfs.ko", "kernel/fs/fscache/fscache.ko", "kernel/fs/9p/9p.ko"]
 * ```
 */
export function moduleLoadOrder(modulesDir, wanted) {
  /** @type {Map<string, { path: string, deps: string[] }>} */
  const byName = new Map();
  for (const line of readFileSync(join(modulesDir, "modules.dep"), "utf8").split("\n")) {
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    const path = line.slice(0, colon);
    byName.set(moduleName(path), { path, deps: line.slice(colon + 1).trim().split(/\s+/).filter(Boolean) });
  }
  const builtin = new Set(
    existsSync(join(modulesDir, "modules.builtin"))
      ? readFileSync(join(modulesDir, "modules.builtin"), "utf8").split("\n").filter(Boolean).map(moduleName)
      : [],
  );
  /** @type {string[]} */
  const order = [];
  const seen = new Set();
  const visit = (/** @type {string} */ name) => {
    if (seen.has(name)) return;
    seen.add(name);
    if (builtin.has(name)) return;
    const m = byName.get(name);
    if (!m) throw new Error(`Cannot build the initramfs: kernel module ${name} is neither in modules.dep nor built in (${modulesDir})`);
    for (const d of m.deps) visit(moduleName(d));
    order.push(m.path);
  };
  for (const w of wanted) visit(w.replaceAll("-", "_"));
  return order;
}

/** A module's bytes, uncompressed: busybox's insmod passes them to init_module as they are. */
function moduleBytes(/** @type {string} */ path) {
  if (path.endsWith(".ko")) return readFileSync(path);
  if (path.endsWith(".gz")) return gunzipSync(readFileSync(path));
  const tool = path.endsWith(".xz") ? "xz" : path.endsWith(".zst") ? "zstd" : undefined;
  if (!tool) throw new Error(`Cannot build the initramfs: unknown module compression of ${path}`);
  return execFileSync(tool, ["-dc", path], { maxBuffer: 256 << 20 });
}

/** Size and mtime: enough to notice a reinstalled kernel or busybox without hashing them. */
const stamp = (/** @type {string} */ p) => {
  const s = statSync(p);
  return `${p}:${s.size}:${s.mtimeMs}`;
};

/**
 * The cached initramfs for this kernel, built first if the kernel, busybox or this harness
 * changed since the cached one was made.
 * @param {Kernel} kernel
 * @param {{ cacheDir?: string, log?: (s: string) => void }} [opts]
 * @returns {{ path: string, built: boolean, ms: number }}
 * @example
 * ```js
 * const { path } = ensureInitramfs(pickKernel());   // .cache/numa-vm/initramfs-6.1.0-56-amd64-1a2b3c4d5e6f.cpio
 * ```
 */
export function ensureInitramfs(kernel, opts = {}) {
  const t0 = performance.now();
  const cacheDir = opts.cacheDir ?? CACHE_DIR;
  const modules = moduleLoadOrder(kernel.modulesDir, WANTED_MODULES);
  const key = createHash("sha256")
    .update([kernel.version, stamp(kernel.vmlinuz), stamp(join(kernel.modulesDir, "modules.dep")), stamp("/bin/busybox"), ...modules].join("\n"))
    .update(readFileSync(join(here, "init.sh")))
    .update(readFileSync(join(here, "initramfs.mjs")))
    .digest("hex").slice(0, 12);
  const name = `initramfs-${kernel.version}-${key}.cpio`;
  const path = join(cacheDir, name);
  if (existsSync(path)) return { path, built: false, ms: performance.now() - t0 };

  opts.log?.(`numa-vm: building the guest initramfs for ${kernel.version}`);
  mkdirSync(cacheDir, { recursive: true });
  const tree = mkdtempSync(join(tmpdir(), "numa-vm-initramfs-"));
  try {
    for (const d of ["bin", "dev", "proc", "sys", "modules"]) mkdirSync(join(tree, d));
    copyFileSync("/bin/busybox", join(tree, "bin", "busybox"));
    copyFileSync(join(here, "init.sh"), join(tree, "init"));
    const order = modules.map((m) => {
      const flat = moduleName(m) + ".ko";
      writeFileSync(join(tree, "modules", flat), moduleBytes(join(kernel.modulesDir, m)));
      return flat;
    });
    writeFileSync(join(tree, "modules.order"), order.join("\n") + "\n");
    execFileSync("chmod", ["0755", join(tree, "init"), join(tree, "bin", "busybox")]);
    const files = execFileSync("find", ["."], { cwd: tree, encoding: "utf8" });
    const cpio = execFileSync("cpio", ["--quiet", "-o", "-H", "newc", "--owner", "0:0"], { cwd: tree, input: files, maxBuffer: 256 << 20 });
    // Write then rename, so a concurrent run never boots a half-written image.
    const partial = `${path}.${process.pid}.partial`;
    writeFileSync(partial, cpio);
    renameSync(partial, path);
  } finally {
    rmSync(tree, { recursive: true, force: true });
  }
  for (const old of readdirSync(cacheDir)) {
    if (old.startsWith("initramfs-") && old !== name && !old.endsWith(".partial")) rmSync(join(cacheDir, old), { force: true });
  }
  return { path, built: true, ms: performance.now() - t0 };
}

