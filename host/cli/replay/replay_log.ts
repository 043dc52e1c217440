// A whole log in, one report out: detect the format from the first non-empty line, read every
// line with that format's parser, replay the events.
import { type ReplayReport, replayEvents } from "./apply.ts";
import { type ReplayEvent, type ReplayWarning, type TraceFormat, TraceFormatError } from "./events.ts";
import { parseTraceeLegacy, parseTraceeV1 } from "./parse_tracee.ts";
import { looksLikeStrace, StraceReader } from "./parse_strace.ts";
import { parseBigJson } from "./_bigint_json.ts";

/** How to read a log. */
export interface ReplayOptions {
  /** The log's format; "auto" (the default) decides from the first non-empty line. */
  format?: TraceFormat | "auto";
  /** The traced machine's page size (default 4096). */
  pageSize?: number;
  /** The process of strace lines without a pid prefix (strace without -f); default 0. */
  pid?: number;
}

/**
 * The format of a log from its first non-empty line: Tracee legacy (`eventName` and `args`),
 * Tracee v1beta1 (`name` and `data`), or strace. Throws TraceFormatError when it is none.
 * @param text the line
 * @param line its 1-based number, for the error
 * @example Basic usage
 * ```ts
 * expect(detectFormat('{"name":"mbind","data":[]}', 1)).toBe("tracee-v1");
 * expect(detectFormat("4247 mbind(0x7f0000000000, 8192, MPOL_BIND, [0x3], 1025, 0) = 0", 1)).toBe("strace");
 * expect(() => detectFormat("hello", 1)).toThrow(/line 1: neither/);
 * ```
 */
export function detectFormat(text: string, line: number): TraceFormat {
  const t = text.trim();
  if (t.startsWith("{")) {
    let o: unknown;
    try { o = parseBigJson(t); } catch (e) {
      throw new TraceFormatError(line, `starts like JSON but is not (${e instanceof Error ? e.message : String(e)}); Tracee writes one JSON event per line`);
    }
    const r = o as Record<string, unknown>;
    if (typeof r.eventName === "string" && Array.isArray(r.args)) return "tracee";
    if (typeof r.name === "string" && Array.isArray(r.data)) return "tracee-v1";
    throw new TraceFormatError(line, `a JSON object that is neither a Tracee legacy event ("eventName" and "args") nor a Tracee v1beta1 event ("name" and "data")`);
  }
  if (looksLikeStrace(t)) return "strace";
  throw new TraceFormatError(line, `neither a Tracee JSON event nor an strace line (${JSON.stringify(t.length > 40 ? `${t.slice(0, 37)}...` : t)}); give Tracee's --output json log or strace's output, or pass --format`);
}

/**
 * Replays a Tracee or strace log of memory-policy syscalls into a policy map per process.
 * Throws TraceFormatError naming the first line it cannot read.
 * @example Basic usage
 * ```ts
 * const log = "12 mbind(0x7f0000000000, 16384, MPOL_BIND, [0x3], 65, 0) = 0\n12 mbind(0x7f0000001000, 4096, MPOL_DEFAULT, NULL, 0, 0) = 0\n";
 * const r = replayLog(log);
 * expect(r.processes[0]!.map.map((m) => [m.start, m.end, m.mode])).toEqual([
 *   ["0x7f0000000000", "0x7f0000001000", "bind"], ["0x7f0000002000", "0x7f0000004000", "bind"],
 * ]);
 * ```
 */
export function replayLog(text: string, opts: ReplayOptions = {}): ReplayReport {
  const lines = text.split("\n");
  let format = opts.format ?? "auto";
  if (format === "auto") {
    const first = lines.findIndex((l) => l.trim() !== "");
    if (first < 0) throw new TraceFormatError(1, "the file is empty, so its format cannot be told; give the log Tracee or strace wrote, or pass --format to replay it as empty");
    format = detectFormat(lines[first]!, first + 1);
  }
  const warnings: ReplayWarning[] = [];
  let events: ReplayEvent[] = [];
  if (format === "strace") {
    const reader = new StraceReader(opts.pid ?? 0);
    lines.forEach((l, i) => reader.push(l.replace(/\r$/, ""), i + 1));
    events = reader.finish();
    for (const w of reader.warnings) warnings.push(w);
  } else {
    const parse = format === "tracee" ? parseTraceeLegacy : parseTraceeV1;
    lines.forEach((l, i) => {
      if (l.trim() === "") return;
      const e = parse(l, i + 1);
      if (e) events.push(e);
    });
  }
  const report = replayEvents(events, format, opts.pageSize ?? 4096, warnings);
  report.warnings.sort((a, b) => a.line - b.line);
  return report;
}
