import { system } from "../system/mod.ts";

/** Who issues the calls: read once per instance, from /proc (a worker has an instance of its own). */
export interface TraceIdentity { pid: number; tid: number; comm: string; arch: "x86_64" | "aarch64" }

const text = (path: string): string => new TextDecoder().decode(system().readFile(path) ?? new Uint8Array());

/**
 * The calling thread's process id, thread id, command name and architecture.
 * @example Basic usage
 * ```ts
 * expect(traceIdentity().pid).toBeGreaterThan(0);
 * ```
 */
export function traceIdentity(): TraceIdentity {
  const pid = Number(/^(\d+)/.exec(text("/proc/self/stat"))?.[1] ?? 0);
  const tid = Number(/^(\d+)/.exec(text("/proc/thread-self/stat"))?.[1] ?? pid);
  const arch = text("/proc/sys/kernel/arch").trim() === "aarch64" ? "aarch64" : "x86_64";
  return { pid, tid, comm: text("/proc/self/comm").trim(), arch };
}
