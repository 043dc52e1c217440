// Runs the built `numabind` command as a user does, from dist/.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { root } from "../helpers/child.ts";

export const CLI = join(root, "dist", "cli", "main.js");

export interface CliRun { status: number | null; signal: string | null; stdout: string; stderr: string }

/**
 * `numabind ...args`, with optional stdin; never throws on a non-zero exit.
 * @example
 * ```ts
 * expect(cli(["--version"]).status).toBe(0);
 * ```
 */
export function cli(args: readonly string[], o: { input?: string; env?: Record<string, string>; timeoutMs?: number } = {}): CliRun {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", input: o.input, env: { ...process.env, ...o.env }, timeout: o.timeoutMs ?? 60_000, maxBuffer: 64 << 20 });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}
