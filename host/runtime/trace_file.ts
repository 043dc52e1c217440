import { openSync, writeSync } from "node:fs";
import { traceLine, type TraceSink } from "../core/mod.ts";

/**
 * A trace sink that appends one JSON line per event to `path` (NUMABIND_TRACE). Each line is
 * one write to a file opened for appending, so workers tracing into the same file interleave
 * whole lines.
 * @example Basic usage
 * ```ts
 * const nb = createNumabind(openBackend(), { trace: traceFile("/tmp/numabind.jsonl") });
 * ```
 */
export function traceFile(path: string): TraceSink {
  let fd: number;
  try {
    fd = openSync(path, "a");
  } catch (e) {
    throw new Error(`Cannot trace to NUMABIND_TRACE: ${path} cannot be opened for appending (${(e as NodeJS.ErrnoException).code ?? String(e)}); name a writable file, or unset NUMABIND_TRACE`);
  }
  return (event) => { writeSync(fd, traceLine(event) + "\n"); };
}
