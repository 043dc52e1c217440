// A real Node program binds random overlapping sub-ranges of one region through numabind, then
// asks the kernel (getPolicy) for the policy of every page. `numabind replay` of strace's log of
// that run must predict every page's answer. numabind may coalesce a batch, so the log holds
// what the kernel was given, and that is what is replayed. The same program traced by numabind
// itself (NUMABIND_TRACE, Tracee legacy lines with a numabind field) must predict the same.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import type { MapEntry, ReplayReport } from "../../host/cli/replay/mod.ts";
import { ensureApt } from "../helpers/apt.ts";
import { runChild, tempDir } from "../helpers/child.ts";
import { cli } from "./_cli.ts";

const haveStrace = ensureApt(["strace"], () => existsSync("/usr/bin/strace"));
const PAGE = Number(execFileSync("getconf", ["PAGESIZE"], { encoding: "utf8" }).trim());
const PAGES = 64;
const TRACED = "mbind,set_mempolicy,get_mempolicy,move_pages,migrate_pages";

/** What the child reports: its pid, the region, each page's policy as getPolicy says, and more. */
interface ChildReport {
  pid: number;
  base: string;
  pages: [mode: string, nodes: string, flags: string[]][];
  binds: number;
  refused: number;
  same: { start: string; end: string };
  thread: { mode: string; nodes: string };
}

/**
 * The child: alloc() a region with the default policy, bind random sub-ranges (some not page
 * aligned, which numabind shrinks to whole pages) with every policy a one-node host accepts,
 * bind two overlapping batches, bind one range twice, set a thread policy and move pages.
 */
const program = (seed: number): string => `
const P = ${PAGE}, N = ${PAGES};
let s = ${seed} >>> 0;
const rnd = () => { s = (s + 0x6d2b79f5) >>> 0; let t = Math.imul(s ^ (s >>> 15), 1 | s); t ^= t + Math.imul(t ^ (t >>> 7), 61 | t); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
const pick = (a) => a[Math.floor(rnd() * a.length)];
const policies = [
  { mode: "default" }, { mode: "local" }, { mode: "preferred" },
  { mode: "bind", nodes: [0] }, { mode: "bind", nodes: "0", static: true }, { mode: "bind", nodes: [0], relative: true },
  { mode: "bind", nodes: [0], balancing: true }, { mode: "interleave", nodes: [0] }, { mode: "interleave", nodes: "0", static: true },
  { mode: "preferred", nodes: [0] }, { mode: "preferred", nodes: [0], static: true }, { mode: "preferred-many", nodes: [0] },
  { mode: "preferred-many", nodes: [0], relative: true }, { mode: "weighted-interleave", nodes: [0] },
];
const buf = nb.alloc(N * P, { mode: "default" });
const base = nb.plan([{ target: buf, policy: { mode: "bind", nodes: [0] } }]).ops[0].addr;
const view = (a, n, jitter = 0) => new Uint8Array(buf, a * P + jitter, n * P - jitter);
let binds = 0, refused = 0;
for (let i = 0; i < 40; i++) {
  const a = Math.floor(rnd() * N), n = 1 + Math.floor(rnd() * (N - a));
  try { nb.bind(view(a, n, rnd() < 0.25 ? 100 : 0), pick(policies), rnd() < 0.3 ? { move: true } : {}); binds++; } catch { refused++; }
}
for (let b = 0; b < 2; b++) {
  const reqs = [];
  for (let i = 0; i < 8; i++) { const a = Math.floor(rnd() * N), n = 1 + Math.floor(rnd() * Math.min(12, N - a)); reqs.push({ target: view(a, n), policy: pick(policies) }); }
  if (!nb.bindBatch(reqs).ok) throw new Error("a batch failed");
}
nb.bind(view(40, 6), { mode: "interleave", nodes: [0] });
nb.bind(view(40, 6), { mode: "interleave", nodes: "0" });
nb.setThreadPolicy({ mode: "preferred", nodes: [0] });
nb.movePages(view(0, 4), 0);
const pages = [];
for (let i = 0; i < N; i++) {
  const g = nb.getPolicy(view(i, 1));
  pages.push([g.mode, g.nodes.toList(), ["static", "relative", "balancing"].filter((f) => g[f] === true)]);
}
const t = nb.getThreadPolicy();
const hex = (a) => "0x" + a.toString(16);
report({ pid: process.pid, base: hex(base), pages, binds, refused, same: { start: hex(base + BigInt(40 * P)), end: hex(base + BigInt(46 * P)) },
  thread: { mode: t.mode, nodes: t.nodes.toList() } });
`;

/** A map's prediction for the page at `addr`: [mode, nodes, flags] as the child reports getPolicy. */
function predict(map: readonly MapEntry[], addr: bigint): [string, string | null, string[]] {
  const m = map.find((e) => BigInt(e.start) <= addr && addr < BigInt(e.end));
  return m ? [m.mode, m.nodes, m.flags ?? []] : ["default", "", []];
}

/** Runs the replay of `log` through the built CLI and returns the child's process. */
function replayed(log: string, child: ChildReport) {
  const r = cli(["replay", "--json", "--page-size", String(PAGE), log]);
  expect(r.status, r.stderr).toBe(0);
  const report = JSON.parse(r.stdout) as ReplayReport;
  const p = report.processes.find((x) => x.pid === child.pid);
  expect(p, `process ${child.pid} among ${report.processes.map((x) => x.pid).join(", ")}`).toBeDefined();
  const base = BigInt(child.base);
  return { report, p: p!, predicted: child.pages.map((_, i) => predict(p!.map, base + BigInt(i * PAGE))) };
}

test("strace is here to trace with", () => expect(haveStrace).toBe(true));

test.each([1, 2, 3, 4])("numabind replay of strace -f's log predicts getPolicy() for every page of a region bound at random (seed %i)", (seed) => {
  const log = join(tempDir(), `replay-${seed}-${process.pid}.strace`);
  const run = runChild(program(seed), { wrapper: ["strace", "-f", "-qq", "-o", log, "-e", `trace=${TRACED}`] });
  expect(run.status, run.stderr).toBe(0);
  const child = run.result as ChildReport;
  expect(child.binds).toBeGreaterThan(25);
  const { report, p, predicted } = replayed(log, child);
  expect(report.format).toBe("strace");
  expect(predicted).toEqual(child.pages);
  // The run is worth checking: several policies in the end, and calls that cut bound ranges.
  expect(new Set(child.pages.map((x) => JSON.stringify(x))).size).toBeGreaterThan(2);
  expect(p.splits.length).toBeGreaterThan(0);
  expect(p.estimatedMappings).toBeGreaterThanOrEqual(p.map.length);
  // The second of two equal binds changed nothing; getPolicy and get_mempolicy calls were counted.
  expect(p.noChange).toContainEqual(expect.objectContaining({ ...child.same, mode: "interleave", nodes: "0", reason: "same-policy" }));
  expect(p.calls.get_mempolicy).toBeGreaterThanOrEqual(PAGES);
  expect(p.threads.find((t) => t.tid === child.pid)?.policy).toEqual(child.thread);
  expect(p.movePages).toContainEqual(expect.objectContaining({ pid: 0, count: 4, nodes: "0", query: false, flags: ["move"], result: 0 }));
  // The log's mbind lines of this process, one each, completed or resumed.
  const lines = readFileSync(log, "utf8").split("\n").filter((l) => /^\d+\s+mbind\(/.test(l) && !/<\.\.\./.test(l));
  expect(p.calls.mbind).toBe(lines.length);
});

test.each([5, 6])("numabind replay of numabind's own trace (NUMABIND_TRACE) predicts getPolicy() for every page, nodes known (seed %i)", (seed) => {
  const log = join(tempDir(), `replay-${seed}-${process.pid}.json`);
  const run = runChild(program(seed), { env: { NUMABIND_TRACE: log } });
  expect(run.status, run.stderr).toBe(0);
  expect(existsSync(log), "NUMABIND_TRACE wrote its file").toBe(true);
  const child = run.result as ChildReport;
  const { report, p, predicted } = replayed(log, child);
  expect(report.format).toBe("tracee");
  expect(predicted).toEqual(child.pages);
  expect(p.map.length).toBeGreaterThan(0);
  expect(p.map.filter((m) => m.nodes === null)).toEqual([]);
  expect(p.noChange).toContainEqual(expect.objectContaining({ ...child.same, reason: "same-policy" }));
});

test("in one run traced both ways, replaying numabind's own events gives the map replaying strace's log gives", () => {
  const tag = `both-${process.pid}`;
  const events = join(tempDir(), `${tag}.jsonl`), log = join(tempDir(), `${tag}.strace`);
  const run = runChild(program(7), { env: { NUMABIND_TRACE: events }, wrapper: ["strace", "-f", "-qq", "-o", log, "-e", `trace=${TRACED}`] });
  expect(run.status, run.stderr).toBe(0);
  const child = run.result as ChildReport;
  const fromEvents = replayed(events, child), fromStrace = replayed(log, child);
  expect(fromEvents.report.format).toBe("tracee");
  expect(fromStrace.report.format).toBe("strace");
  // The region's part of each map: the same ranges, modes, nodes and flags.
  const base = BigInt(child.base), end = base + BigInt(PAGES * PAGE);
  const region = (m: readonly MapEntry[]) => m.filter((e) => BigInt(e.end) > base && BigInt(e.start) < end);
  expect(region(fromEvents.p.map).length).toBeGreaterThan(1);
  expect(region(fromEvents.p.map)).toEqual(region(fromStrace.p.map));
  expect(fromEvents.predicted).toEqual(child.pages);
  expect(fromEvents.p.calls.mbind).toBe(fromStrace.p.calls.mbind);
});
