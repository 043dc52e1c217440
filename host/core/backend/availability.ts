import type { Availability } from "./hooks.ts";
import { errnoName } from "../errors.ts";
import { seccompHint } from "../kernel/kernel_error.ts";

/**
 * Builds available() from the backend's probe answers (0 or -errno per syscall).
 * @example
 * ```ts
 * expect(availabilityFromProbe("ffi-rs", "syscall", { mbind: -1, get_mempolicy: -1 }).ok).toBe(false);
 * ```
 */
export function availabilityFromProbe(backend: string, path: "shim" | "syscall",
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
