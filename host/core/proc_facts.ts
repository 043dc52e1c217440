import { release } from "node:os";
import { join } from "node:path";
import { procStatus, readText } from "./_kernel_files.ts";
import { streamLines } from "./proc_maps.ts";

// Facts about this process that explain kernel errors. Read when an error is being explained,
// never cached: the point is to say what holds now.

/**
 * Mappings the process has now: lines of /proc/PID/maps, without [vsyscall], which the
 * kernel's map_count leaves out.
 * @returns the count, or undefined when /proc cannot be read
 * @example
 * ```ts
 * expect(mapCount()).toBeGreaterThan(10);
 * ```
 */
export function mapCount(pid: number | "self" = "self", root = "/"): number | undefined {
  let lines = 0, vsyscall = false;
  try {
    streamLines(join(root, `proc/${pid}/maps`), 16384, (b, start, end, terminated) => {
      if (terminated) lines++;
      if (!vsyscall && endsWith(b, start, end, VSYSCALL)) vsyscall = true;
      return true;
    });
  } catch {
    return undefined;
  }
  return vsyscall ? lines - 1 : lines;
}

/** The name /proc/PID/maps gives the vsyscall page, at the end of its line. */
const VSYSCALL = Buffer.from("[vsyscall]");

function endsWith(b: Uint8Array, start: number, end: number, tail: Uint8Array): boolean {
  if (end - start < tail.length) return false;
  for (let i = 0; i < tail.length; i++) if (b[end - tail.length + i] !== tail[i]) return false;
  return true;
}

/**
 * vm.max_map_count, the most mappings a process may have (65530 by default).
 * @example
 * ```ts
 * expect(maxMapCount()).toBeGreaterThan(0);
 * ```
 */
export function maxMapCount(root = "/"): number | undefined {
  const t = readText(root, "proc/sys/vm/max_map_count");
  return t === undefined ? undefined : Number(t.trim());
}

/** CAP_SYS_NICE, from the capability sets' bit numbers (linux/capability.h). */
const CAP_SYS_NICE = 23n;

/**
 * Whether this process has CAP_SYS_NICE in its effective set (MPOL_MF_MOVE_ALL and moving
 * other processes' pages need it).
 * @example
 * ```ts
 * expect(typeof hasCapSysNice()).toBe("boolean");
 * ```
 */
export function hasCapSysNice(root = "/"): boolean | undefined {
  const cap = procStatus(root).capEff;
  return cap !== undefined ? ((BigInt(`0x${cap}`) >> CAP_SYS_NICE) & 1n) === 1n : undefined;
}

/**
 * The seccomp mode of this process: 0 none, 1 strict, 2 filter (containers run under 2).
 * @example
 * ```ts
 * expect([0, 1, 2]).toContain(seccompMode());
 * ```
 */
export function seccompMode(): number | undefined {
  const mode = procStatus().seccomp;
  return mode !== undefined ? Number(mode) : undefined;
}

/**
 * The running kernel's version as [major, minor] (from uname's release).
 * @example
 * ```ts
 * expect(kernelVersion()[0]).toBeGreaterThanOrEqual(3);
 * ```
 */
export function kernelVersion(rel = release()): [number, number] {
  const [a = 0, b = 0] = rel.split(/[.-]/).map(Number);
  return [a, b];
}

/**
 * Whether the running kernel is at least major.minor.
 * @example
 * ```ts
 * expect(kernelAtLeast(6, 9, "6.18.44-generic")).toBe(true);
 * ```
 */
export function kernelAtLeast(major: number, minor: number, rel = release()): boolean {
  const [a, b] = kernelVersion(rel);
  return a > major || (a === major && b >= minor);
}
