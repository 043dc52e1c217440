// Reading what the kernel exports in sysfs and /proc, relative to a root directory that tests
// point at a fake tree. One reader per file format, so every caller parses a field alike.
import { system } from "./port.ts";

const utf8 = new TextDecoder();

/**
 * `path` under `root`: "/" + "proc/self/status" is "/proc/self/status".
 * @example Basic usage
 * ```ts
 * expect(underRoot("/tmp/fake/", "sys/devices")).toBe("/tmp/fake/sys/devices");
 * ```
 */
export function underRoot(root: string, path: string): string {
  return `${root.replace(/\/+$/, "")}/${path.replace(/^\/+/, "")}`;
}

/**
 * A file's text, or undefined when it cannot be read (absent, no permission, no /proc).
 * @example Basic usage
 * ```ts
 * expect(readText("/", "proc/sys/vm/max_map_count")).toMatch(/^\d+\n$/);
 * ```
 */
export function readText(root: string, path: string): string | undefined {
  const bytes = system().readFile(underRoot(root, path));
  return bytes === undefined ? undefined : utf8.decode(bytes);
}

/**
 * The ids of a sysfs directory's nodeN entries, ascending (/sys/devices/system/node, or the
 * weighted-interleave weights), or undefined when the directory cannot be listed.
 * @example Basic usage
 * ```ts
 * expect(nodeIds("/", "sys/devices/system/node")).toContain(0);
 * ```
 */
export function nodeIds(root: string, dir: string): number[] | undefined {
  const names = system().listDir(underRoot(root, dir));
  if (names === undefined) return undefined;
  return names.map((d) => /^node(\d+)$/.exec(d)?.[1]).filter((x): x is string => x !== undefined)
    .map(Number).sort((a, b) => a - b);
}

/** The fields of /proc/self/status numabind reads, as the kernel prints them. */
export interface ProcStatus {
  /** Mems_allowed_list: the cpuset's nodes in list format ("0-3"). */
  memsAllowedList?: string;
  /** Mems_allowed: the same as a cpumap, as wide as the kernel's nodemask, trimmed. */
  memsAllowed?: string;
  /** CapEff: the effective capability set in hex. */
  capEff?: string;
  /** Seccomp: 0 none, 1 strict, 2 filter. */
  seccomp?: string;
}

/**
 * Reads /proc/self/status (under `root`); every field is undefined where the file or the
 * field is missing.
 * @example Basic usage
 * ```ts
 * expect(procStatus().memsAllowedList).toMatch(/^\d/);
 * ```
 */
export function procStatus(root = "/"): ProcStatus {
  const text = readText(root, "proc/self/status") ?? "";
  const out: ProcStatus = {};
  const list = /^Mems_allowed_list:\s*(.*)$/m.exec(text)?.[1];
  if (list !== undefined) out.memsAllowedList = list;
  const hex = /^Mems_allowed:\s*(.*)$/m.exec(text)?.[1]?.trim();
  if (hex !== undefined) out.memsAllowed = hex;
  const cap = /^CapEff:\s*([0-9a-f]+)$/m.exec(text)?.[1];
  if (cap !== undefined) out.capEff = cap;
  const seccomp = /^Seccomp:\s*(\d+)$/m.exec(text)?.[1];
  if (seccomp !== undefined) out.seccomp = seccomp;
  return out;
}

/**
 * The kernel's nodemask width in bits (MAX_NUMNODES): Mems_allowed prints every bit of it,
 * 4 per hex digit. `fallback` where Mems_allowed is missing or empty.
 * @example Basic usage
 * ```ts
 * expect(nodemaskBits("00000000,00000001", 64)).toBe(64);
 * expect(nodemaskBits(undefined, 1024)).toBe(1024);
 * ```
 */
export function nodemaskBits(memsAllowed: string | undefined, fallback: number): number {
  return memsAllowed ? memsAllowed.replace(/,/g, "").length * 4 : fallback;
}
