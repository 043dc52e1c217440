import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type ChildResult, runChild, tempDir } from "./child.ts";

/** One traced syscall: its name and raw (hex) arguments. */
export interface Call { name: string; args: bigint[] }

/** Syscall lines of an strace -e raw=... log (hex arguments), unfinished ones included. */
export function parseStrace(text: string, names: string[]): Call[] {
  const calls: Call[] = [];
  const re = new RegExp(`^(?:\\[pid\\s+)?\\d*\\]?\\s*(${names.join("|")})\\(([^)]*?)(?:\\)| <unfinished)`);
  for (const line of text.split("\n")) {
    const m = re.exec(line);
    if (!m) continue;
    calls.push({ name: m[1]!, args: m[2]!.split(",").map((a) => BigInt(a.trim())) });
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
