import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

export const root = join(import.meta.dirname, "..", "..");

/** file: URL of a module under dist/ (children run the built package, as users do). */
export function distUrl(path = "host/mod.js"): string {
  return pathToFileURL(join(root, "dist", path)).href;
}

export interface ChildResult {
  status: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  /** The JSON the script printed with report(...), if any. */
  result?: unknown;
}

let dir: string | undefined;
/**
 * A temp directory for this test process (scripts, helpers, strace logs), inside the one the
 * global setup made and removes at the end of the run (test workers are killed, not exited).
 */
export function tempDir(): string {
  return (dir ??= mkdtempSync(join(process.env.NUMABIND_TEST_TMP ?? tmpdir(), "numabind-test-")));
}

/**
 * Runs `body` as an ES module in a fresh node process, optionally under a wrapper command
 * (strace, setpriv, the seccomp helper). `nb` is the package; `report(x)` prints x as the
 * result. A crash or abort shows up as a status or signal instead of killing the test runner.
 */
export function runChild(body: string, o: { wrapper?: string[]; nodeArgs?: string[]; env?: Record<string, string>; timeoutMs?: number } = {}): ChildResult {
  const file = join(tempDir(), `child-${process.pid}-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(file, `const nb = await import(${JSON.stringify(distUrl())});
const report = (x) => console.log("RESULT " + JSON.stringify(x, (k, v) => typeof v === "bigint" ? v.toString() : v));
${body}
`);
  const cmd = [...(o.wrapper ?? []), process.execPath, ...(o.nodeArgs ?? []), file];
  const r = spawnSync(cmd[0]!, cmd.slice(1), {
    encoding: "utf8", timeout: o.timeoutMs ?? 60_000, env: { ...process.env, ...o.env },
    maxBuffer: 64 << 20,
  });
  const line = r.stdout?.split("\n").find((l) => l.startsWith("RESULT "));
  return {
    status: r.status, signal: r.signal, stdout: r.stdout ?? "", stderr: r.stderr ?? "",
    ...(line ? { result: JSON.parse(line.slice(7)) } : {}),
  };
}
