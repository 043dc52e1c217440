// @ts-check
// The Debian packages the guest needs, installed by the project itself (a fresh machine has
// none of them). apt is asked only when something is missing.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/**
 * Each package with a file that proves it is usable. `linux-image-amd64` and not the -cloud-
 * flavour: only the full kernel has 9p (as a module) for sharing the host's root.
 */
export const PACKAGES = [
  { name: "qemu-system-x86", present: () => existsSync("/usr/bin/qemu-system-x86_64") },
  { name: "busybox-static", present: () => existsSync("/bin/busybox") && isStatic("/bin/busybox") },
  { name: "cpio", present: () => existsSync("/usr/bin/cpio") || existsSync("/bin/cpio") },
  { name: "linux-image-amd64", present: () => fullKernels().length > 0 },
  // numactl's own regression scripts run against numabind in the guest, with Debian's
  // numastat and memhog (the package's numactl itself is never called: a wrapper stands in).
  { name: "numactl", present: () => existsSync("/usr/bin/numastat") && existsSync("/usr/bin/memhog") },
];

/** Raised when apt cannot install the packages (no network, no root, no apt). */
export class PackagesUnavailable extends Error {
  /** @override */
  name = "PackagesUnavailable";
}

/**
 * Versions under /boot that have a full (non-cloud) kernel image and its modules.
 * @example
 * ```js
 * fullKernels();   // ["6.1.0-56-amd64"]
 * ```
 */
export function fullKernels() {
  let names = [];
  try { names = readdirSync("/boot"); } catch { return []; }
  return names
    .filter((n) => n.startsWith("vmlinuz-") && !n.includes("-cloud-"))
    .map((n) => n.slice("vmlinuz-".length))
    .filter((v) => existsSync(`/lib/modules/${v}/modules.dep`));
}

/**
 * True when an ELF executable has no PT_INTERP header: it needs no loader or libc, so it runs
 * alone in the initramfs (Debian's plain `busybox` package is dynamic).
 * @param {string} path
 * @example
 * ```js
 * isStatic("/bin/busybox");    // true with busybox-static
 * isStatic(process.execPath);  // false
 * ```
 */
export function isStatic(path) {
  const b = readFileSync(path);
  if (b.readUInt32BE(0) !== 0x7f454c46 || b[4] !== 2) return false; // ELF64 only (x86_64 guest)
  const phoff = Number(b.readBigUInt64LE(0x20)), size = b.readUInt16LE(0x36), count = b.readUInt16LE(0x38);
  for (let i = 0; i < count; i++) if (b.readUInt32LE(phoff + i * size) === 3) return false;
  return true;
}

/**
 * Installs whichever of PACKAGES is missing, with apt. Prints what it does on stderr.
 * @param {{ log?: (s: string) => void }} [opts]
 * @returns {{ installed: string[], ms: number }} what was installed (empty when nothing was missing)
 * @throws {PackagesUnavailable} when apt is missing or the install fails
 * @example
 * ```js
 * const { installed } = ensurePackages();   // [] on a machine that has them all
 * ```
 */
export function ensurePackages(opts = {}) {
  const log = opts.log ?? ((s) => process.stderr.write(s + "\n"));
  const t0 = performance.now();
  const missing = PACKAGES.filter((p) => !p.present()).map((p) => p.name);
  if (missing.length === 0) return { installed: [], ms: performance.now() - t0 };
  if (!existsSync("/usr/bin/apt-get")) throw new PackagesUnavailable(`apt-get is not on this machine (missing: ${missing.join(" ")})`);
  log(`numa-vm: installing ${missing.join(" ")} with apt-get (once per machine)`);
  // Other processes may hold the dpkg lock; wait for it rather than fail. INITRD=No skips the
  // host initrd the kernel package would otherwise build: the guest brings its own.
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive", INITRD: "No" };
  const lock = ["-o", "DPkg::Lock::Timeout=300"];
  const apt = (/** @type {string[]} */ args) => {
    try {
      execFileSync("apt-get", [...lock, ...args], { env, stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 << 20 });
      return undefined;
    } catch (e) {
      const err = /** @type {{ stderr?: Buffer, message: string }} */ (e);
      return (err.stderr?.toString() || err.message).trim().split("\n").filter(Boolean).slice(-3).join(" / ");
    }
  };
  // A failed update may still leave usable lists from an earlier one: only the install decides.
  const updateFailed = apt(["update", "-q"]);
  const installFailed = apt(["install", "-y", "-q", "--no-install-recommends", ...missing]);
  if (installFailed) {
    throw new PackagesUnavailable(`apt-get install ${missing.join(" ")} failed: ${installFailed}` +
      (updateFailed ? ` (apt-get update had failed too: ${updateFailed})` : ""));
  }
  const still = PACKAGES.filter((p) => !p.present()).map((p) => p.name);
  if (still.length) throw new PackagesUnavailable(`installed, but still not usable: ${still.join(" ")}`);
  return { installed: missing, ms: performance.now() - t0 };
}

/** Where the backports kernel is kept between runs: unpacked, never installed system-wide. */
export const KERNEL_CACHE = join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "numabind", "numa-vm");

/**
 * The Debian mirror apt already uses here (deb822 sources, or a classic sources.list line).
 * @example
 * ```js
 * debianMirror();   // the URI of the machine's own bookworm source
 * ```
 */
export function debianMirror() {
  for (const f of ["/etc/apt/sources.list.d/debian.sources", "/etc/apt/sources.list"]) {
    let text = "";
    try { text = readFileSync(f, "utf8"); } catch { continue; }
    const uri = /^URIs:\s*(\S+)/m.exec(text)?.[1] ?? /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+bookworm\s/m.exec(text)?.[1];
    if (uri && !uri.includes("security")) return uri;
  }
  return "http://deb.debian.org/debian";
}

/**
 * Debian's newest backports kernel for this release (bookworm-backports: Linux 6.12), unpacked
 * under KERNEL_CACHE with its modules and a modules.dep: a second guest kernel beside the
 * installed one, for the rules that differ by release (weighted interleave 6.9+, balancing with
 * preferred-many 6.10+, -ENOENT for untouched pages 6.12). apt runs with a private list and
 * cache, so the machine's own apt state is not touched. Downloads ~106 MB once.
 * @param {{ log?: (s: string) => void }} [opts]
 * @returns {{ version: string, vmlinuz: string, modulesDir: string }}
 * @throws {PackagesUnavailable} when the suite or the package cannot be fetched
 * @example
 * ```js
 * ensureBackportsKernel().version;   // "6.12.95+deb12-amd64"
 * ```
 */
export function ensureBackportsKernel(opts = {}) {
  const log = opts.log ?? ((s) => process.stderr.write(s + "\n"));
  const found = () => {
    let dirs = [];
    try { dirs = readdirSync(KERNEL_CACHE).filter((d) => d.startsWith("root-")); } catch { return undefined; }
    for (const d of dirs.sort().reverse()) {
      const version = d.slice("root-".length), root = join(KERNEL_CACHE, d);
      const modulesDir = join(root, "lib", "modules", version);
      if (existsSync(join(root, "boot", `vmlinuz-${version}`)) && existsSync(join(modulesDir, "modules.dep"))) {
        return { version, vmlinuz: join(root, "boot", `vmlinuz-${version}`), modulesDir };
      }
    }
    return undefined;
  };
  const have = found();
  if (have) return have;
  const work = join(KERNEL_CACHE, "apt");
  mkdirSync(join(work, "lists", "partial"), { recursive: true });
  mkdirSync(join(work, "archives", "partial"), { recursive: true });
  writeFileSync(join(work, "sources.list"), `deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] ${debianMirror()} bookworm-backports main\n`);
  const o = ["-o", `Dir::Etc::SourceList=${join(work, "sources.list")}`, "-o", "Dir::Etc::SourceParts=/dev/null",
    "-o", `Dir::State::Lists=${join(work, "lists")}`, "-o", `Dir::Cache::archives=${join(work, "archives")}`, "-o", "Debug::NoLocking=1"];
  const run = (/** @type {string} */ cmd, /** @type {string[]} */ args) => {
    try {
      return execFileSync(cmd, args, { cwd: work, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 << 20 });
    } catch (e) {
      const err = /** @type {{ stderr?: string, message: string }} */ (e);
      throw new PackagesUnavailable(`${cmd} ${args.filter((a) => !a.startsWith("Dir::")).slice(-2).join(" ")} failed: ${(err.stderr || err.message).trim().split("\n").slice(-2).join(" / ")}`);
    }
  };
  log("numa-vm: fetching Debian's bookworm-backports kernel for the second guest (once per machine)");
  run("apt-get", [...o, "update", "-q"]);
  const pkg = /Depends:\s*(linux-image-\S+)/.exec(run("apt-cache", [...o, "depends", "linux-image-amd64"]))?.[1];
  if (!pkg) throw new PackagesUnavailable("bookworm-backports lists no linux-image-amd64");
  run("apt-get", [...o, "download", "-q", pkg]);
  const deb = readdirSync(work).find((f) => f.startsWith(`${pkg}_`) && f.endsWith(".deb"));
  if (!deb) throw new PackagesUnavailable(`apt-get download ${pkg} left no .deb`);
  const version = pkg.slice("linux-image-".length), root = join(KERNEL_CACHE, `root-${version}`);
  rmSync(root, { recursive: true, force: true });
  run("dpkg", ["-x", join(work, deb), root]);
  run("depmod", ["-b", root, version]);
  rmSync(join(work, deb), { force: true });
  const k = found();
  if (!k) throw new PackagesUnavailable(`unpacked ${pkg}, but found no kernel and modules.dep under ${root}`);
  return k;
}
