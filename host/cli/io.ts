/**
 * What every command shares: where output goes, the two kinds of failure and their exit codes,
 * and printing a result as text or as JSON.
 */
import type { Command } from "commander";
import type { Numabind } from "../mod.ts";

/** Exit codes, the same for every command: numactl's 0 and 1, and 2 for a usage error. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** Where a command writes. Tests pass their own; main.ts passes the process's streams. */
export interface CliIo {
  /** One chunk of standard output, written as given (add the newline). */
  out(s: string): void;
  /** One chunk of standard error, written as given (add the newline). */
  err(s: string): void;
  /** True when standard error is a terminal: progress bars are drawn only then. */
  errIsTTY: boolean;
}

/** What a command's factory gets: where to write, and how to report its exit code. */
export interface CommandContext {
  io: CliIo;
  /** numabind's version, for `--version` on every command. */
  version: string;
  /** Records the exit code of the command that ran (0, 1, 2, or a child's status for `run`). */
  finish(code: number): void;
}

/**
 * One command of the CLI: builds its commander Command over the API it is given. Options that
 * every command has (`--help`, `--version`) are added by runCli; `--json` by the command.
 */
export type CommandFactory = (ctx: CommandContext, nb: Numabind) => Command;

/**
 * A usage error: a bad option, a missing argument, a value out of range. Exit 2.
 * @example Basic usage
 * ```ts
 * expect(new UsageError("--runs must be a whole number, current value is abc").exitCode).toBe(2);
 * ```
 */
export class UsageError extends Error {
  override name = "UsageError";
  readonly exitCode = EXIT.usage;
}

/**
 * The command was understood but could not be done: a process that does not exist, a kernel
 * that refuses. Exit 1.
 * @example Basic usage
 * ```ts
 * expect(new CliFailure("no process 99999").exitCode).toBe(1);
 * ```
 */
export class CliFailure extends Error {
  override name = "CliFailure";
  readonly exitCode = EXIT.failure;
}

/**
 * An error as the one line the CLI prints: the message's first line, or its lines joined when
 * the message continues on the next ones (numabind's errors add the fix there).
 * @example Basic usage
 * ```ts
 * expect(oneLine(new Error("Cannot bind: node 7 does not exist\nTry node 0"))).toBe("Cannot bind: node 7 does not exist; Try node 0");
 * ```
 */
export function oneLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split("\n").map((l) => l.trim()).filter((l) => l !== "").join("; ");
}

/**
 * Prints a command's result: `value` as one JSON document with `--json`, else `text()`.
 * Bigints print as decimal strings; use hex strings for addresses before this.
 * @example Basic usage
 * ```ts
 * const lines: string[] = [];
 * const io = { out: (s: string) => lines.push(s), err: () => {}, errIsTTY: false };
 * printResult(io, true, { nodes: [0] }, () => "node 0");
 * expect(JSON.parse(lines[0]!)).toEqual({ nodes: [0] });
 * ```
 */
export function printResult(io: CliIo, json: boolean, value: unknown, text: () => string): void {
  if (json) io.out(JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2) + "\n");
  else io.out(text() + "\n");
}
