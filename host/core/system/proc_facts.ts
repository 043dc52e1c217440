import { procStatus, readText, underRoot } from "./kernel_files.ts";
import { system } from "./port.ts";

// Facts about this process that explain kernel errors. Read when an error is being explained,
// never cached: the point is to say what holds now.

/** Bytes per read(2) of a maps file: the kernel fills it with whole lines. */
const COUNT_CHUNK = 65536;

/** mapCount's buffer, made once: it counts near vm.max_map_count, where allocating can fail. */
let countBuffer: Uint8Array | undefined;

/** How /proc/PID/maps ends the vsyscall page's line. */
const VSYSCALL_LINE = new TextEncoder().encode("[vsyscall]\n");

/** Whether `b[0, end)` holds `needle` (searched from each occurrence of its first byte). */
function holds(b: Uint8Array, end: number, needle: Uint8Array): boolean {
  for (let i = b.indexOf(needle[0]!); i >= 0 && i + needle.length <= end; i = b.indexOf(needle[0]!, i + 1)) {
    let j = 1;
    while (j < needle.length && b[i + j] === needle[j]) j++;
    if (j === needle.length) return true;
  }
  return false;
}

/**
 * Mappings the process has now: lines of /proc/PID/maps, without [vsyscall], which the
 * kernel's map_count leaves out. Newlines are counted with indexOf over 64 KiB reads, with no
 * call per line: the VMA budget counts before every large batch, and the kernel's own
 * ~0.5 µs per line is then most of the cost.
 * @returns the count, or undefined when /proc cannot be read
 * @example
 * ```ts
 * expect(mapCount()).toBeGreaterThan(10);
 * ```
 */
export function mapCount(pid: number | "self" = "self", root = "/"): number | undefined {
  const buf = (countBuffer ??= new Uint8Array(COUNT_CHUNK));
  const sys = system();
  let fd: number;
  try { fd = sys.open(underRoot(root, `proc/${pid}/maps`)); } catch { return undefined; }
  let lines = 0, vsyscall = false, have = 0;
  try {
    for (;;) {
      const got = sys.read(fd, buf, have, COUNT_CHUNK - have);
      if (got === 0) {
        // A last line without a newline (never from the kernel, possible in a fixture).
        if (have > 0) { lines++; vsyscall ||= endsWith(buf, have, VSYSCALL_LINE.subarray(0, -1)); }
        break;
      }
      const end = have + got;
      let last = -1;
      for (let nl = buf.indexOf(10, have); nl >= 0 && nl < end; nl = buf.indexOf(10, nl + 1)) { lines++; last = nl; }
      // Whole lines only, so that a line cut by the read is searched once, when complete.
      if (last >= 0 && !vsyscall) vsyscall = holds(buf, last + 1, VSYSCALL_LINE);
      have = end - (last + 1);
      if (last >= 0) buf.copyWithin(0, last + 1, end);
      if (have === COUNT_CHUNK) return undefined; // a line longer than any the kernel prints
    }
  } catch {
    return undefined;
  } finally {
    sys.close(fd);
  }
  return vsyscall ? lines - 1 : lines;
}

/** Whether `b[0, end)` ends with `tail`. */
function endsWith(b: Uint8Array, end: number, tail: Uint8Array): boolean {
  if (end < tail.length) return false;
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
export function kernelVersion(rel = system().kernelRelease()): [number, number] {
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
export function kernelAtLeast(major: number, minor: number, rel = system().kernelRelease()): boolean {
  const [a, b] = kernelVersion(rel);
  return a > major || (a === major && b >= minor);
}
