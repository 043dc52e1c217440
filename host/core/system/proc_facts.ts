import { release } from "node:os";
import { join } from "node:path";
import { closeSync, openSync, readSync } from "node:fs";
import { procStatus, readText } from "./kernel_files.ts";

// Facts about this process that explain kernel errors. Read when an error is being explained,
// never cached: the point is to say what holds now.

/** Bytes per read(2) of a maps file: the kernel fills it with whole lines. */
const COUNT_CHUNK = 65536;

/** mapCount's buffer, made once: it counts near vm.max_map_count, where allocating can fail. */
let countBuffer: Buffer | undefined;

/** How /proc/PID/maps ends the vsyscall page's line. */
const VSYSCALL_LINE = Buffer.from("[vsyscall]\n");

/**
 * Mappings the process has now: lines of /proc/PID/maps, without [vsyscall], which the
 * kernel's map_count leaves out. Newlines are counted with memchr (Buffer.indexOf) over
 * 64 KiB reads, with no call per line: the VMA budget counts before every large batch, and
 * the kernel's own ~0.5 µs per line is then most of the cost.
 * @returns the count, or undefined when /proc cannot be read
 * @example
 * ```ts
 * expect(mapCount()).toBeGreaterThan(10);
 * ```
 */
export function mapCount(pid: number | "self" = "self", root = "/"): number | undefined {
  const buf = (countBuffer ??= Buffer.allocUnsafeSlow(COUNT_CHUNK));
  let fd: number;
  try { fd = openSync(join(root, `proc/${pid}/maps`), "r"); } catch { return undefined; }
  let lines = 0, vsyscall = false, have = 0;
  try {
    for (;;) {
      const got = readSync(fd, buf, have, COUNT_CHUNK - have, null);
      if (got === 0) {
        // A last line without a newline (never from the kernel, possible in a fixture).
        if (have > 0) { lines++; vsyscall ||= buf.subarray(0, have).toString("latin1").endsWith("[vsyscall]"); }
        break;
      }
      const end = have + got;
      let last = -1;
      for (let nl = buf.indexOf(10, have); nl >= 0 && nl < end; nl = buf.indexOf(10, nl + 1)) { lines++; last = nl; }
      // Whole lines only, so that a line cut by the read is searched once, when complete.
      if (last >= 0 && !vsyscall) vsyscall = buf.subarray(0, last + 1).includes(VSYSCALL_LINE);
      have = end - (last + 1);
      if (last >= 0) buf.copyWithin(0, last + 1, end);
      if (have === COUNT_CHUNK) return undefined; // a line longer than any the kernel prints
    }
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
  return vsyscall ? lines - 1 : lines;
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
