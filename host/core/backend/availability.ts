import { errnoName } from "../errors.ts";
import { seccompMode } from "../system/mod.ts";
import type { Availability, OpPath } from "./hooks.ts";

/**
 * What to do when a seccomp filter denies a syscall (EPERM without CAP_SYS_NICE, as under
 * Docker's default profile), naming the filter when this process runs under one.
 * @example Basic usage
 * ```ts
 * expect(seccompHint("mbind")).toMatch(/^a seccomp filter denies mbind/);
 * ```
 */
export function seccompHint(syscall: string): string {
  const filtered = seccompMode() === 2 ? " (this process runs under a seccomp filter: Seccomp 2 in /proc/self/status)" : "";
  return `a seccomp filter denies ${syscall}${filtered}; Docker's default profile allows mbind, get_mempolicy and set_mempolicy only with CAP_SYS_NICE: run the container with --cap-add SYS_NICE or a profile that allows them`;
}

/**
 * Builds available() from the backend's probe answers (0 or -errno per syscall).
 * @example
 * ```ts
 * expect(availabilityFromProbe("ffi-rs", "syscall", { mbind: -1, get_mempolicy: -1 }).ok).toBe(false);
 * ```
 */
export function availabilityFromProbe(backend: string, path: OpPath,
  answers: Record<string, number>): Availability {
  const syscalls = Object.fromEntries(Object.entries(answers).map(([k, r]) => [k, r >= 0 ? "ok" : errnoName(-r)]));
  const bad = Object.entries(answers).filter(([k, r]) => r < 0 && (k === "mbind" || k === "get_mempolicy"));
  if (bad.length === 0) return { ok: true, backend, path, syscalls };
  const [name, r] = bad[0]!;
  const code = errnoName(-r!);
  const why = code === "EPERM" ? seccompHint(bad.map(([k]) => k).join(" and "))
    : code === "ENOSYS" ? `the kernel has no NUMA memory-policy syscalls (ENOSYS): built without CONFIG_NUMA, or an emulation such as WSL1`
    : `${name} failed with ${code}`;
  return { ok: false, backend, path, syscalls, reason: `${code === "EPERM" ? "not permitted (EPERM): " : ""}${why}` };
}
