/** What the CLI reads about other processes from /proc: names, numa_maps, page sizes. */
import { readdirSync, readFileSync } from "node:fs";
import type { Numabind, NumaMapsEntry } from "../mod.ts";
import { CliFailure } from "./io.ts";

/**
 * The bytes of one page of a mapping: the kernel's kernelpagesize_kB (numastat reads it since
 * 2.0.17), else, on kernels too old to print it, the default huge page size for hugetlb
 * mappings and the base page size for the rest.
 * @example Basic usage
 * ```ts
 * const [e] = parseNumaMaps("7f0000000000 default huge anon=1 N0=1\n");
 * expect(mappingPageSize(e!, 4096, 2 * MiB)).toBe(2 * MiB);
 * ```
 */
export function mappingPageSize(e: NumaMapsEntry, pageSize: number, hugePageSize: number): number {
  if (e.kernelPageSizeKiB) return e.kernelPageSizeKiB * 1024;
  return e.huge && hugePageSize > 0 ? hugePageSize : pageSize;
}

/**
 * The ids of the processes whose name or command line contains `pattern`, as numastat -p
 * matches them (its command name, a space, then its cmdline with NULs as spaces), ascending.
 * This process is left out: its own command line holds the pattern.
 * @example Basic usage
 * ```ts
 * expect(matchProcesses("no-process-is-called-this")).toEqual([]);
 * ```
 */
export function matchProcesses(pattern: string, self = process.pid): number[] {
  const pids = readdirSync("/proc").filter((d) => /^\d+$/.test(d)).map(Number).filter((p) => p !== self);
  return pids.filter((pid) => {
    const cmdline = readOr(`/proc/${pid}/cmdline`).replaceAll("\0", " ");
    return `${processName(pid)} ${cmdline}`.includes(pattern);
  }).sort((a, b) => a - b);
}

/** A file's text, or `fallback` when it cannot be read (a process that exited meanwhile). */
export function readOr(path: string, fallback = ""): string {
  try { return readFileSync(path, "utf8"); } catch { return fallback; }
}

/**
 * A process's command name (/proc/PID/comm), or "?" once it has exited.
 * @example Basic usage
 * ```ts
 * expect(processName(process.pid)).toBe("node");
 * ```
 */
export function processName(pid: number): string {
  return readOr(`/proc/${pid}/comm`, "?").trim();
}

/**
 * A process's numa_maps through the public API, its failures as one-line CliFailures that say
 * how to fix them: a process that does not exist, or one this user may not read.
 * @example Basic usage
 * ```ts
 * expect(() => readProcessMaps(numabind, 4194304)).toThrow(/no process with pid 4194304/);
 * ```
 */
export function readProcessMaps(nb: Numabind, pid: number): NumaMapsEntry[] {
  try {
    return nb.numaMaps(pid);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code === "ESRCH") throw new CliFailure(`no process with pid ${pid} (it may have exited); check the pid with 'ps -p ${pid}'`, { cause: e });
    if (code === "EACCES") {
      throw new CliFailure(`cannot read /proc/${pid}/numa_maps: permission denied (it needs ptrace access to pid ${pid}); run numabind as that process's user or as root`, { cause: e });
    }
    throw e;
  }
}

/**
 * The default huge page size in bytes (/proc/meminfo Hugepagesize), 0 without hugetlb.
 * @example Basic usage
 * ```ts
 * expect(defaultHugePageSize() % 4096).toBe(0);
 * ```
 */
export function defaultHugePageSize(): number {
  const kB = /^Hugepagesize:\s+(\d+) kB/m.exec(readOr("/proc/meminfo"))?.[1];
  return kB === undefined ? 0 : Number(kB) * 1024;
}
