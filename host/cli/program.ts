import { Command, CommanderError } from "commander";
import { numabind } from "../mod.ts";
import { COMMANDS } from "./commands/mod.ts";
import { type CliIo, type CommandContext, EXIT, oneLine } from "./io.ts";
import { packageVersion } from "./version.ts";

/**
 * Runs the `numabind` command line and returns its exit code. Usage errors (unknown options,
 * bad values, missing arguments) print one line on stderr and return 2; failures return 1; no
 * path prints a stack trace.
 * @param argv the arguments after `numabind`
 * @example Basic usage
 * ```ts
 * const out: string[] = [];
 * const code = await runCli(["hardware", "--json"], { out: (s) => out.push(s), err: () => {}, errIsTTY: false });
 * expect(code).toBe(0);
 * expect(JSON.parse(out.join("")).nodes.length).toBeGreaterThan(0);
 * ```
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let code: number = EXIT.ok;
  const ctx: CommandContext = { io, version: packageVersion(), finish: (c) => { code = c; } };
  const program = new Command()
    .name("numabind")
    .description("NUMA memory policy for Node.js and Deno: numactl's and numastat's jobs, scriptable")
    .version(ctx.version, "-V, --version")
    .exitOverride()
    .enablePositionalOptions()
    .showSuggestionAfterError(true)
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s), outputError: () => {} });
  for (const make of COMMANDS) {
    // addCommand copies nothing from the parent: the exit override and the output go to each.
    const cmd = make(ctx, numabind).copyInheritedSettings(program).version(ctx.version, "-V, --version");
    program.addCommand(cmd);
  }
  const cmd = argv.find((a) => program.commands.some((c) => c.name() === a));
  const who = `numabind${cmd ? ` ${cmd}` : ""}`;
  try {
    if (argv.length === 0) {
      program.outputHelp({ error: true });
      return EXIT.usage;
    }
    await program.parseAsync([...argv], { from: "user" });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.code === "commander.help") return EXIT.ok;
      io.err(`${who}: ${oneLine(e).replace(/^error: /, "")}; see '${who} --help'\n`);
      return EXIT.usage;
    }
    const exit = (e as { exitCode?: unknown }).exitCode;
    io.err(`${who}: ${oneLine(e)}\n`);
    return exit === EXIT.usage ? EXIT.usage : EXIT.failure;
  }
}
