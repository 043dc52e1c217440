import { type Mode, MODES } from "../policy/mod.ts";
import { NumaError } from "../errors.ts";
import { parseKernelList, readText } from "../system/mod.ts";

/** One mapping (VMA) of /proc/PID/numa_maps, joined with /proc/PID/maps for its end. */
export interface NumaMapsEntry {
  start: bigint;
  /** End address from /proc/PID/maps (undefined if the two files disagreed mid-read). */
  end?: bigint;
  /** The policy text exactly as the kernel printed it ("bind=static:0-1", "prefer (many):0"). */
  policy: string;
  /** The mode, or "unknown" for a mode this parser does not know. */
  mode: Mode | "unknown";
  /** Mode flags as printed: "static", "relative", "balancing". */
  modeFlags: string[];
  /** Policy nodes (empty for default/local). */
  nodes: number[];
  file?: string;
  heap?: boolean;
  stack?: boolean;
  huge?: boolean;
  anon?: number;
  dirty?: number;
  mapped?: number;
  mapmax?: number;
  swapcache?: number;
  active?: number;
  writeback?: number;
  /** Resident pages per node: N<node>=<pages>. */
  pagesPerNode: Record<number, number>;
  kernelPageSizeKiB?: number;
}

/** numa_maps spellings to modes, from the mode table. */
const MODE_OF: ReadonlyMap<string, Mode> = new Map(MODES.map((m) => [m.numaMaps, m.name]));
const escape = (s: string): string => s.replace(/[()|.*+?^${}[\]\\]/g, "\\$&");
/**
 * The policy at the start of a numa_maps line: a mode's spelling (longest first, so "prefer
 * (many)" before "prefer"), then "=flag|flag" and ":nodes", each optional.
 */
const POLICY = new RegExp(`^(${[...MODE_OF.keys()].sort((a, b) => b.length - a.length).map(escape).join("|")})`
  + "(?:=([a-z|]+))?(?::([0-9,-]+))?(?= |$)");
const COUNTERS = ["anon", "dirty", "mapped", "mapmax", "swapcache", "active", "writeback"] as const;

/**
 * Parses numa_maps text. Every key=value token is optional, as the kernel omits most of them
 * for mappings with no resident pages; unknown tokens are skipped.
 * @param text the contents of /proc/PID/numa_maps
 * @param maps the contents of /proc/PID/maps, to give each entry its end address
 * @example
 * ```ts
 * const [e] = parseNumaMaps("7f8a54c29000 bind:0 anon=1 dirty=1 N0=1 kernelpagesize_kB=4\n");
 * expect(e.mode).toBe("bind");
 * expect(e.pagesPerNode).toEqual({ 0: 1 });
 * ```
 */
export function parseNumaMaps(text: string, maps?: string): NumaMapsEntry[] {
  const ends = new Map<bigint, bigint>();
  for (const line of maps?.split("\n") ?? []) {
    const m = /^([0-9a-f]+)-([0-9a-f]+) /.exec(line);
    if (m) ends.set(BigInt(`0x${m[1]}`), BigInt(`0x${m[2]}`));
  }
  const out: NumaMapsEntry[] = [];
  for (const line of text.split("\n")) {
    const sp = line.indexOf(" ");
    if (sp <= 0) continue;
    const start = BigInt(`0x${line.slice(0, sp)}`);
    const rest = line.slice(sp + 1);
    const pm = POLICY.exec(rest);
    const policy = pm ? pm[0] : rest.split(" ")[0]!;
    const e: NumaMapsEntry = {
      start, policy, mode: pm ? MODE_OF.get(pm[1]!)! : "unknown",
      modeFlags: pm?.[2] ? pm[2].split("|") : [],
      nodes: pm?.[3] ? parseKernelList(pm[3]) : [],
      pagesPerNode: {},
    };
    const end = ends.get(start);
    if (end !== undefined) e.end = end;
    for (const tok of tokens(rest.slice(policy.length))) {
      const eq = tok.indexOf("=");
      const key = eq < 0 ? tok : tok.slice(0, eq), val = eq < 0 ? "" : tok.slice(eq + 1);
      if (key === "heap" || key === "stack" || key === "huge") e[key] = true;
      else if (key === "file") e.file = val.replace(/\\(\d{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
      else if (key === "kernelpagesize_kB") e.kernelPageSizeKiB = Number(val);
      else if ((COUNTERS as readonly string[]).includes(key)) e[key as (typeof COUNTERS)[number]] = Number(val);
      else if (/^N\d+$/.test(key)) e.pagesPerNode[Number(key.slice(1))] = Number(val);
    }
    out.push(e);
  }
  return out;
}

function tokens(s: string): string[] {
  return s.split(" ").filter(Boolean);
}

/**
 * Reads and parses /proc/PID/numa_maps (default: this process).
 * @example
 * ```ts
 * expect(readNumaMaps().length).toBeGreaterThan(0);
 * ```
 */
export function readNumaMaps(pid: number | "self" = "self"): NumaMapsEntry[] {
  const read = (file: string): string => {
    const text = readText("/", `proc/${pid}/${file}`);
    if (text !== undefined) return text;
    const gone = readText("/", `proc/${pid}/stat`) === undefined;
    throw new NumaError(gone
      ? `Cannot read the numa_maps of pid ${pid}: there is no such process (it may have exited)`
      : `Cannot read /proc/${pid}/${file}: this process may not read it (it needs ptrace access to pid ${pid}: the same user, or CAP_SYS_PTRACE)`,
    { code: gone ? "ESRCH" : "EACCES", syscall: "open", arg: "pid" });
  };
  const maps = read("maps");
  return parseNumaMaps(read("numa_maps"), maps);
}
