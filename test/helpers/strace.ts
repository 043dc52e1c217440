import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type ChildResult, runChild, tempDir } from "./child.ts";

/** One traced syscall: its name, raw (hex) arguments, and its result (-errno on failure) when it finished on its line. */
export interface Call { name: string; args: bigint[]; ret?: number }

/** The errnos the memory-policy calls answer with, by name. */
const ERRNOS: Record<string, number> = { EPERM: 1, ESRCH: 3, EIO: 5, E2BIG: 7, EBADF: 9, EAGAIN: 11, ENOMEM: 12, EACCES: 13, EFAULT: 14, EBUSY: 16, ENODEV: 19, EINVAL: 22, ENOSYS: 38, ENOENT: 2, EXDEV: 18, EOPNOTSUPP: 95 };

/** Syscall lines of an strace -e raw=... log (hex arguments), unfinished ones included. */
export function parseStrace(text: string, names: string[]): Call[] {
  const calls: Call[] = [];
  const re = new RegExp(`^(?:\\[pid\\s+)?\\d*\\]?\\s*(${names.join("|")})\\(([^)]*?)(?:\\)| <unfinished)(?:\\s+=\\s+(-?\\d+|0x[0-9a-f]+)(?:\\s+(E[A-Z0-9]+))?)?`);
  for (const line of text.split("\n")) {
    const m = re.exec(line);
    if (!m) continue;
    const call: Call = { name: m[1]!, args: m[2]!.split(",").map((a) => BigInt(a.trim())) };
    if (m[3] !== undefined) call.ret = m[4] ? -(ERRNOS[m[4]] ?? NaN) : Number(m[3]);
    calls.push(call);
  }
  return calls;
}

/**
 * Runs a child script (see runChild) under `strace -f` tracing `names` with raw arguments,
 * and returns the child's result with the traced calls.
 */
export function runTraced(body: string, names: string[], o: { timeoutMs?: number } = {}): ChildResult & { calls: Call[] } {
  const log = join(tempDir(), `strace-${process.pid}-${Math.random().toString(36).slice(2)}.log`);
  const child = runChild(body, {
    wrapper: ["strace", "-f", "-qq", "-o", log, "-e", `trace=${names.join(",")}`, "-e", `raw=${names.join(",")}`],
    ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
  });
  let text = "";
  try { text = readFileSync(log, "utf8"); } catch { /* strace did not start: calls stay empty */ }
  return { ...child, calls: parseStrace(text, names) };
}
