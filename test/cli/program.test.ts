import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import { root } from "../helpers/child.ts";
import { cli } from "./_cli.ts";

const version = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }).version;
/** The commands as `numabind --help` lists them, so a new command is covered without a line here. */
const commands = /Commands:\n([\s\S]*)$/.exec(cli(["--help"]).stdout)![1]!.split("\n")
  .map((l) => /^ {2}(\w+)/.exec(l)?.[1]).filter((c): c is string => c !== undefined && c !== "help");

test("numabind --help lists numactl's and numastat's jobs", () => {
  expect(commands).toEqual(expect.arrayContaining(["demo", "run", "show", "hardware"]));
});

test.each(commands)("numabind %s --help exits 0 with examples; --version prints the package's version", (c) => {
  const help = cli([c, "--help"]);
  expect(help.status).toBe(0);
  expect(help.stdout).toMatch(/\nExamples:\n {2}numabind /);
  expect(help.stdout).toMatch(/--version/);
  const v = cli([c, "--version"]);
  expect([v.status, v.stdout]).toEqual([0, `${version}\n`]);
});

test.each(commands)("numabind %s with an unknown option exits 2 with one line and no stack trace", (c) => {
  const r = cli([c, "--no-such-option"]);
  expect(r.status).toBe(2);
  expect(r.stderr).toBe(`numabind ${c}: unknown option '--no-such-option'; see 'numabind ${c} --help'\n`);
});

test("a bad value exits 2 with one line that names the option and the rule (it was a stack trace and exit 1)", () => {
  const r = cli(["demo", "--runs", "abc"]);
  expect(r.status).toBe(2);
  expect(r.stderr).toBe("numabind demo: option '--runs <n>' argument 'abc' is invalid. it must be a whole number from 1 to 10000; see 'numabind demo --help'\n");
});

test("numabind alone prints the help on stderr and exits 2; an unknown command exits 2 with one line", () => {
  const bare = cli([]);
  expect(bare.status).toBe(2);
  expect(bare.stderr).toMatch(/^Usage: numabind/);
  const r = cli(["numastat"]);
  expect(r.status).toBe(2);
  expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
  expect(r.stderr).toMatch(/unknown command 'numastat'/);
  expect(cli(["--version"]).stdout).toBe(`${version}\n`);
});
