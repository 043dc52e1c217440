import { execFileSync } from "node:child_process";

/**
 * Installs Debian packages with apt-get when `ready()` says they are missing (root only), and
 * tells whether they are usable: a test that needs a tool installs it itself.
 * @example
 * ```ts
 * expect(ensureApt(["qemu-user-static"], () => existsSync("/usr/bin/qemu-aarch64-static"))).toBe(true);
 * ```
 */
export function ensureApt(pkgs: string[], ready: () => boolean): boolean {
  if (ready()) return true;
  if (process.getuid?.() !== 0) return false;
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const install = () => execFileSync("apt-get", ["-o", "DPkg::Lock::Timeout=300", "install", "-y", "-q", "--no-install-recommends", ...pkgs], { env, stdio: "ignore" });
  try { install(); } catch {
    try { execFileSync("apt-get", ["update", "-q"], { env, stdio: "ignore" }); install(); } catch { return false; }
  }
  return ready();
}
