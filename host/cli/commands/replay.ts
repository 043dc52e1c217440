import { Command, InvalidArgumentError, Option } from "commander";
import { CliFailure, type CommandFactory, printResult, UsageError } from "../io.ts";
import { processId } from "../options.ts";
import { replayLog, replayText, type ReplayOptions, type ReplayReport, TraceFormatError } from "../replay/mod.ts";
import { readText } from "../read_text.ts";

/**
 * Warnings the text output repeats on standard error; --json lists all.
 * @example Basic usage
 * ```ts
 * expect(WARNING_LINES).toBe(20);
 * ```
 */
export const WARNING_LINES = 20;

/**
 * A commander value parser for --page-size: a power of two from 4096 to 1 GiB.
 * @example Basic usage
 * ```ts
 * expect(pageSizeOption("65536")).toBe(65536);
 * expect(() => pageSizeOption("5000")).toThrow(/power of two/);
 * ```
 */
export function pageSizeOption(value: string): number {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 4096 || n > 2 ** 30 || (n & (n - 1)) !== 0) {
    throw new InvalidArgumentError("it must be a power of two from 4096 to 1073741824 (the traced machine's page size, `getconf PAGESIZE` there)");
  }
  return n;
}

/**
 * Reads the log to replay: a file, or standard input for "-". A file that cannot be read is a
 * CliFailure (exit 1).
 * @example Basic usage
 * ```ts
 * await expect(readLog("/no/such/log")).rejects.toThrow(/cannot read \/no\/such\/log: no such file/);
 * ```
 */
export async function readLog(file: string): Promise<string> {
  return readText(file, "give the path of a Tracee or strace log, or - to read standard input", CliFailure);
}

/**
 * Replays a log's text, turning a line no parser reads into a usage error (exit 2) that names
 * the file and the line.
 * @example Basic usage
 * ```ts
 * expect(() => replayFile("{}", "t.json", {})).toThrow(/^t\.json line 1: a JSON object that is neither/);
 * expect(replayFile("7 mbind(0x1000, 4096, MPOL_LOCAL, NULL, 0, 0) = 0", "s.log", {}).processes[0]!.pid).toBe(7);
 * ```
 */
export function replayFile(text: string, file: string, opts: ReplayOptions): ReplayReport {
  try {
    return replayLog(text, opts);
  } catch (e) {
    if (e instanceof TraceFormatError) throw new UsageError(`${file} ${e.message}`);
    throw e;
  }
}

/**
 * `numabind replay <file>`: Tracee and strace logs replayed into a policy map per process.
 * @example Basic usage
 * ```ts
 * const out: string[] = [];
 * expect(await runCli(["replay", "--json", "trace.log"], { out: (s) => out.push(s), err: () => {}, errIsTTY: false })).toBe(0);
 * expect(JSON.parse(out.join("")).processes.length).toBeGreaterThan(0);
 * ```
 */
export const replayCommand: CommandFactory = (ctx) =>
  new Command("replay")
    .description("replay a Tracee or strace log of mbind, set_mempolicy, get_mempolicy, move_pages and migrate_pages into each process's policy map")
    .argument("<file>", "the log: Tracee JSON lines (legacy or v1beta1, numabind's own NUMABIND_TRACE file too) or strace output; - reads standard input")
    .addOption(new Option("--format <format>", "the log's format (auto: from its first non-empty line)").choices(["auto", "tracee", "tracee-v1", "strace"]).default("auto"))
    .option("--pid <pid>", "the process of strace lines without a pid prefix (strace without -f); default 0", processId)
    .option("--page-size <bytes>", "the traced machine's page size", pageSizeOption, 4096)
    .option("--json", "print JSON (schema: docs/cli.md)")
    .addHelpText("after", [
      "", "Examples:",
      "  numabind replay app.strace",
      "  numabind replay --format tracee-v1 --json events.json | jq '.processes[].map'",
      "  NUMABIND_TRACE=calls.json node app.js && numabind replay calls.json",
      "", "Making a log to replay:",
      "  strace -f -e trace=mbind,set_mempolicy,get_mempolicy,move_pages,migrate_pages,munmap,mmap,clone,clone3 -o app.strace node app.js",
      "  tracee --events mbind,set_mempolicy,get_mempolicy,move_pages,migrate_pages --output json > events.json",
    ].join("\n"))
    .action(async (file: string, o: { format: ReplayOptions["format"]; pid?: number; pageSize: number; json?: boolean }) => {
      const text = await readLog(file);
      const r = replayFile(text, file, { format: o.format, pageSize: o.pageSize, ...(o.pid === undefined ? {} : { pid: o.pid }) });
      printResult(ctx.io, o.json === true, r, () => replayText(r));
      if (o.json !== true) {
        for (const w of r.warnings.slice(0, WARNING_LINES)) ctx.io.err(`numabind replay: ${file} line ${w.line}: ${w.message}\n`);
        if (r.warnings.length > WARNING_LINES) ctx.io.err(`numabind replay: ... and ${r.warnings.length - WARNING_LINES} more warnings (--json lists all)\n`);
      }
    });
