#!/usr/bin/env node
// The `numabind` command. Every command lives in commands/; runCli decides the exit code.
import { runCli } from "./program.ts";

process.exitCode = await runCli(process.argv.slice(2), {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  errIsTTY: process.stderr.isTTY === true,
});
