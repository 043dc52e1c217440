// `numabind replay` as a user runs it, from dist/: text and JSON output, standard input,
// warnings, and the exit codes (1: the file cannot be read; 2: usage, or a line no format reads).
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import { replayLog } from "../../host/cli/replay/mod.ts";
import { tempDir } from "../helpers/child.ts";
import { cli } from "./_cli.ts";

const FIXTURES = join(import.meta.dirname, "fixtures", "replay");
const fixture = (name: string): string => join(FIXTURES, name);
const temp = (name: string, text: string): string => {
  const f = join(tempDir(), `replay-cli-${process.pid}-${name}`);
  writeFileSync(f, text);
  return f;
};

test("numabind replay prints a section per process with its map as a table, and says 'nodes unknown' for plain Tracee", () => {
  const r = cli(["replay", fixture("tracee_legacy.jsonl")]);
  expect([r.status, r.stderr]).toEqual([0, ""]);
  expect(r.stdout).toMatch(/^19 memory-policy events \(tracee\), 2 processes\n\nprocess 4242: 10 mbind, 1 set_mempolicy, 1 get_mempolicy, 1 move_pages, 1 migrate_pages\n {2}start +end +pages +mode +nodes +flags\n/);
  expect(r.stdout).toMatch(/\n {2}0x7f72b8a3e000 +0x7f72b8a42000 +4 +preferred +nodes unknown +static\n/);
  expect(r.stdout).toMatch(/\n\nprocess 5151 \(host pid 35151\): 4 mbind, 1 set_mempolicy\n/);
  expect(r.stdout).toMatch(/line 3: 0x7f72b8a10000-0x7f72b8a18000 interleave, nodes unknown inside 0x7f72b8a00000-0x7f72b8a40000 bind, nodes unknown \(\+2 mappings\)/);
  expect(r.stdout).toMatch(/ {2}failures: EINVAL 1\n {2}estimated mappings: 9 /);
});

test("numabind replay --json prints the report replayLog() makes, addresses as hex strings", () => {
  const r = cli(["replay", "--json", fixture("tracee_numabind.jsonl")]);
  expect(r.status).toBe(0);
  const j = JSON.parse(r.stdout) as { processes: { map: { start: string }[] }[] };
  expect(j).toEqual(replayLog(readFileSync(fixture("tracee_numabind.jsonl"), "utf8")));
  expect(j.processes[0]!.map.every((m) => /^0x[0-9a-f]+$/.test(m.start))).toBe(true);
});

test("numabind replay - reads standard input; --format and --pid apply to it", () => {
  const r = cli(["replay", "-", "--json", "--format", "strace", "--pid", "321"], { input: readFileSync(fixture("strace_timed.strace"), "utf8") });
  expect(r.status).toBe(0);
  const j = JSON.parse(r.stdout) as { format: string; processes: { pid: number; map: unknown[] }[] };
  expect(j.format).toBe("strace");
  expect(j.processes.map((p) => [p.pid, p.map.length])).toEqual([[321, 3]]);
});

test("numabind replay repeats warnings on standard error and still exits 0", () => {
  const f = fixture("strace_forms.strace");
  const r = cli(["replay", f]);
  expect(r.status).toBe(0);
  expect(r.stderr.split("\n").filter(Boolean)).toEqual([
    `numabind replay: ${f} line 33: not an strace line, skipped: hello from the app`,
    `numabind replay: ${f} line 37: mbind never returned in the log (the process was killed or the log ends), skipped`,
    `numabind replay: ${f} line 38: mbind never returned in the log (the process was killed or the log ends), skipped`,
  ]);
});

test("numabind replay --page-size: a call not aligned to the traced machine's page is skipped with a warning", () => {
  const r = cli(["replay", "--json", "--page-size", "65536", fixture("strace_timed.strace")]);
  expect(r.status).toBe(0);
  const j = JSON.parse(r.stdout) as { pageSize: number; processes: { map: unknown[] }[]; warnings: { line: number; message: string }[] };
  expect(j.pageSize).toBe(65536);
  expect(j.processes[0]!.map).toEqual([{ start: "0x7f1000000000", end: "0x7f1000010000", mode: "bind", nodes: "0" }]);
  expect(j.warnings).toEqual([{ line: 2, message: expect.stringMatching(/not aligned to the page size 65536: pass the traced machine's --page-size/) }]);
});

test("numabind replay exits 1, with one line, when the file cannot be read", () => {
  const dir = join(tempDir(), `replay-cli-dir-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const missing = cli(["replay", "/no/such/trace.log"]);
  expect([missing.status, missing.stdout]).toEqual([1, ""]);
  expect(missing.stderr).toBe("numabind replay: cannot read /no/such/trace.log: no such file; give the path of a Tracee or strace log, or - to read standard input\n");
  const d = cli(["replay", dir]);
  expect(d.status).toBe(1);
  expect(d.stderr).toMatch(/^numabind replay: cannot read .*: it is a directory;/);
});

test.each([
  ["garbage.txt", "\nsome text\n", [], /line 2: neither a Tracee JSON event nor an strace line \("some text"\); give Tracee's --output json log or strace's output, or pass --format\n$/],
  ["other.json", '{"type":"event"}\n', [], /line 1: a JSON object that is neither a Tracee legacy event \("eventName" and "args"\) nor a Tracee v1beta1 event/],
  ["broken.jsonl", `${readFileSync(fixture("tracee_legacy.jsonl"), "utf8").split("\n").slice(0, 2).join("\n")}\n{"eventName":"mbind","args":[\n`, [], /line 3: not a Tracee legacy JSON line \(unexpected end of the line at column \d+\)/],
  ["noaddr.jsonl", '{"eventName":"mbind","processId":1,"returnValue":0,"args":[{"name":"len","type":"uint64","value":4096}]}\n', [], /line 1: mbind: the event has no "addr" argument/],
  ["v1.jsonl", readFileSync(fixture("tracee_v1.jsonl"), "utf8"), ["--format", "tracee"], /line 1: not a Tracee legacy event: it needs "eventName" and "args" \(this line is a v1beta1 event: pass --format tracee-v1\)/],
  ["strace.log", readFileSync(fixture("strace_timed.strace"), "utf8"), ["--format", "tracee-v1"], /line 1: not a Tracee v1beta1 JSON line/],
  ["args.log", "12 mbind(0x7f0000000000, 4096, MPOL_BIND) = 0\n", [], /line 1: mbind has 3 arguments, strace prints 6/],
  ["empty.log", "\n\n", [], /line 1: the file is empty, so its format cannot be told/],
] as const)("numabind replay of %s exits 2 with one line naming the line and what is wrong", (name, text, opts, message) => {
  const f = temp(name, text);
  const r = cli(["replay", ...opts, f]);
  expect([r.status, r.stdout]).toEqual([2, ""]);
  expect(r.stderr.split("\n").filter(Boolean)).toHaveLength(1);
  expect(r.stderr.startsWith(`numabind replay: ${f} line `)).toBe(true);
  expect(r.stderr).toMatch(message);
});

test("numabind replay --format strace of an empty file replays nothing and exits 0", () => {
  const r = cli(["replay", "--format", "strace", temp("empty2.log", "")]);
  expect(r.status).toBe(0);
  expect(r.stdout).toBe("0 memory-policy events (strace), 0 processes\n");
});

test.each([
  [["--format", "xml"], /option '--format <format>' argument 'xml' is invalid\. Allowed choices are auto, tracee, tracee-v1, strace\./],
  [["--page-size", "5000"], /it must be a power of two from 4096 to 1073741824/],
  [["--pid", "-3"], /a process id is a positive whole number/],
  [[], /missing required argument 'file'/],
])("numabind replay %j is a usage error: exit 2", (opts, message) => {
  const r = cli(["replay", ...opts, ...(opts.length ? [fixture("strace_timed.strace")] : [])]);
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(message);
});
