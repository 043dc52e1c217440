// @ts-check
// numactl's own regression scripts (test/regress, test/checkaffinity), fetched from Debian's
// source package of the numactl the guest's numastat and memhog come from, and a build folder
// laid out as they expect: `numactl` (our wrapper, numactl_wrapper.sh) and `test/pagesize`.
// Nothing of numactl is kept in the project: the scripts live under build/, fetched per machine.
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { debianMirror, KERNEL_CACHE, PackagesUnavailable } from "./packages.mjs";

/** Debian bookworm's numactl, whose numastat and memhog the guest runs. */
export const NUMACTL_SOURCE = { package: "numactl", version: "2.0.16-1", dir: "numactl-2.0.16" };

/** The scripts the guest runs, and the helpers they call, as paths inside the source tree. */
const FILES = ["test/regress", "test/checkaffinity", "test/printcpu", "test/pagesize.c"];

/**
 * Fetches numactl's source with apt (a private deb-src list, so the checksums come from Debian's
 * signed index and the machine's apt state is not touched), unpacks the four files above, and
 * fills `build/numactl-compat/` with the wrapper and a compiled `test/pagesize`.
 * @param {string} root the project's root
 * @param {{ log?: (s: string) => void }} [opts]
 * @returns {{ srcdir: string, builddir: string }} srcdir holds test/, builddir is what the scripts call `builddir`
 * @throws {PackagesUnavailable} when the source cannot be fetched or built
 * @example
 * ```js
 * const { srcdir, builddir } = ensureNumactlScripts(root);   // srcdir + "/test/regress" exists
 * ```
 */
export function ensureNumactlScripts(root, opts = {}) {
  const log = opts.log ?? ((s) => process.stderr.write(s + "\n"));
  const cache = join(KERNEL_CACHE, "numactl-src");
  const srcdir = join(cache, NUMACTL_SOURCE.dir);
  if (!FILES.every((f) => existsSync(join(srcdir, f)))) {
    const work = join(cache, "apt");
    mkdirSync(join(work, "lists", "partial"), { recursive: true });
    writeFileSync(join(work, "sources.list"), `deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] ${debianMirror()} bookworm main\n`);
    const o = ["-o", `Dir::Etc::SourceList=${join(work, "sources.list")}`, "-o", "Dir::Etc::SourceParts=/dev/null",
      "-o", `Dir::State::Lists=${join(work, "lists")}`, "-o", "Debug::NoLocking=1"];
    log(`numa-vm: fetching Debian's ${NUMACTL_SOURCE.package} ${NUMACTL_SOURCE.version} source for numactl's test scripts (once per machine)`);
    run("apt-get", [...o, "update", "-q"], work);
    run("apt-get", [...o, "source", "--download-only", "-q", `${NUMACTL_SOURCE.package}=${NUMACTL_SOURCE.version}`], work);
    const orig = readdirSync(work).find((f) => f.endsWith(".orig.tar.gz"));
    if (!orig) throw new PackagesUnavailable(`apt-get source ${NUMACTL_SOURCE.package} left no .orig.tar.gz`);
    rmSync(srcdir, { recursive: true, force: true });
    run("tar", ["-xzf", join(work, orig), "-C", cache, ...FILES.map((f) => `${NUMACTL_SOURCE.dir}/${f}`)], work);
  }
  const builddir = join(root, "build", "numactl-compat");
  mkdirSync(join(builddir, "test"), { recursive: true });
  copyFileSync(join(root, "test", "numa-vm", "numactl_wrapper.sh"), join(builddir, "numactl"));
  chmodSync(join(builddir, "numactl"), 0o755);
  if (!existsSync(join(builddir, "test", "pagesize"))) run("cc", ["-O2", "-o", join(builddir, "test", "pagesize"), join(srcdir, "test", "pagesize.c")], root);
  return { srcdir, builddir };
}

/**
 * @param {string} cmd
 * @param {string[]} args
 * @param {string} cwd
 */
function run(cmd, args, cwd) {
  try {
    return execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 << 20 });
  } catch (e) {
    const err = /** @type {{ stderr?: string, message: string }} */ (e);
    throw new PackagesUnavailable(`${cmd} ${args.filter((a) => !a.startsWith("Dir::")).slice(-2).join(" ")} failed: ${(err.stderr || err.message).trim().split("\n").slice(-2).join(" / ")}`);
  }
}
