// `numabind replay` over hand-made logs: Tracee legacy (v0.24 and v0.23 type names), Tracee
// v1beta1, numabind's own events (the `numabind` field) and strace's forms. Each log comes with
// a table of its mbind calls; the expected map, the calls that changed nothing, the splits and
// the mapping estimate are computed here from that table by a plain interval model, not by the
// engine the replay uses.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { type ProcessReport, replayLog, type ReplayOptions, type ReplayReport } from "../../host/cli/replay/mod.ts";

const FIXTURES = join(import.meta.dirname, "fixtures", "replay");
const PAGE = 4096n;
const U64 = (1n << 64n) - 1n;

/** A policy as the report shows it, plus (for unknown nodes) what tells two masks apart. */
interface Pol { mode: string; nodes: string | null; flags?: string[]; ptr?: string }
/** One mbind of a log: its line, process, range and policy; `failed` ones change nothing. */
interface Call { line: number; pid: number; addr: bigint; len: bigint; policy: Pol | "default"; failed?: true }
interface Seg { start: bigint; end: bigint; pol: Pol }

const same = (a: Pol | "default", b: Pol | "default"): boolean => JSON.stringify(a) === JSON.stringify(b);
const shown = (p: Pol | "default"): Pol => (p === "default" ? { mode: "default", nodes: "" } : (({ ptr: _ptr, ...rest }) => rest)(p));
const hex = (n: bigint): string => `0x${n.toString(16)}`;

/** Paints [s, e) with a policy on sorted disjoint segments, then merges touching equal ones. */
function paint(segs: readonly Seg[], s: bigint, e: bigint, p: Pol | "default"): Seg[] {
  const out: Seg[] = [];
  for (const g of segs) {
    if (g.end <= s || g.start >= e) { out.push(g); continue; }
    if (g.start < s) out.push({ ...g, end: s });
    if (g.end > e) out.push({ ...g, start: e });
  }
  if (p !== "default") out.push({ start: s, end: e, pol: p });
  out.sort((a, b) => (a.start < b.start ? -1 : 1));
  const merged: Seg[] = [];
  for (const g of out) {
    const last = merged.at(-1);
    if (last && last.end === g.start && same(last.pol, g.pol)) last.end = g.end;
    else merged.push({ ...g });
  }
  return merged;
}

const segsText = (segs: readonly Seg[]): string => segs.map((g) => `${hex(g.start)}-${hex(g.end)} ${JSON.stringify(g.pol)}`).join("; ");

/** Bound ranges plus the gaps between them. */
const pieces = (segs: readonly Seg[]): number => segs.length + segs.slice(1).filter((g, i) => segs[i]!.end < g.start).length;

/** What the replay should report for one process, computed from its calls alone. */
function expected(calls: readonly Call[], pid: number) {
  let segs: Seg[] = [];
  const noChange: { line: number; reason: string }[] = [], splits: { line: number; inside: string[]; mappingsAdded: number }[] = [];
  for (const c of calls.filter((x) => x.pid === pid && !x.failed)) {
    const len = (c.len + PAGE - 1n) & U64 & ~(PAGE - 1n);
    if (len === 0n) { noChange.push({ line: c.line, reason: "empty-range" }); continue; }
    const s = c.addr, e = c.addr + len;
    const after = paint(segs, s, e, c.policy);
    if (segsText(after) === segsText(segs)) noChange.push({ line: c.line, reason: "same-policy" });
    const cut = segs.filter((g) => !same(g.pol, c.policy) && ((g.start < s && s < g.end) || (g.start < e && e < g.end)));
    const win = segs.filter((g) => g.end >= s && g.start <= e);
    const lo = win.length ? (win[0]!.start < s ? win[0]!.start : s) : s, hi = win.length ? (win.at(-1)!.end > e ? win.at(-1)!.end : e) : e;
    const added = pieces(after.filter((g) => g.start >= lo && g.end <= hi)) - pieces(win);
    if (cut.length > 0 && added > 0) splits.push({ line: c.line, inside: cut.map((g) => `${hex(g.start)}-${hex(g.end)}`), mappingsAdded: added });
    segs = after;
  }
  const groups = segs.filter((g, i) => i === 0 || segs[i - 1]!.end !== g.start).length;
  return {
    map: segs.map((g) => ({ start: hex(g.start), end: hex(g.end), ...shown(g.pol) })),
    noChange, splits, estimatedMappings: segs.length + groups,
  };
}

/** The process of a report, with its lists reduced to what the model computes. */
function reduced(r: ReplayReport, pid: number) {
  const p = r.processes.find((x) => x.pid === pid);
  expect(p, `process ${pid} in the report`).toBeDefined();
  return {
    map: p!.map,
    noChange: p!.noChange.map((n) => ({ line: n.line, reason: n.reason })),
    splits: p!.splits.map((s) => ({ line: s.line, inside: s.inside.map((i) => `${i.start}-${i.end}`), mappingsAdded: s.mappingsAdded })),
    estimatedMappings: p!.estimatedMappings,
  };
}

const read = (name: string): string => readFileSync(join(FIXTURES, name), "utf8");
const replay = (name: string, o: ReplayOptions = {}): ReplayReport => replayLog(read(name), o);
const proc = (r: ReplayReport, pid: number): ProcessReport => r.processes.find((p) => p.pid === pid)!;

/** Each call of a table is an mbind line of the fixture that names its address. */
function expectTableMatchesFixture(name: string, calls: readonly Call[], addrText: (a: bigint) => string): void {
  const lines = read(name).split("\n");
  for (const c of calls) {
    expect(lines[c.line - 1], `${name} line ${c.line}`).toMatch(/mbind/);
    expect(lines[c.line - 1]).toContain(addrText(c.addr));
  }
}

const P = PAGE;
const unknown = (mode: string, ptr: string, flags?: string[]): Pol => ({ mode, nodes: null, ...(flags ? { flags } : {}), ptr });
const known = (mode: string, nodes: string, flags?: string[]): Pol => ({ mode, nodes, ...(flags ? { flags } : {}) });

describe("Tracee legacy (trace.Event): nodes unknown, pointers and lengths past 2^53", () => {
  const A = 0x7f72b8a00000n, B = 0x80000000000000n; // B: a 5-level-paging address, above 2^53
  const calls: Call[] = [
    { line: 2, pid: 4242, addr: A, len: 64n * P, policy: unknown("bind", "P1") },
    { line: 3, pid: 4242, addr: A + 16n * P, len: 8n * P, policy: unknown("interleave", "P1") },
    { line: 5, pid: 4242, addr: A + 16n * P, len: 8n * P, policy: unknown("interleave", "P1") },
    { line: 6, pid: 4242, addr: A + 16n * P, len: 8n * P, policy: unknown("interleave", "P2") },
    { line: 7, pid: 4242, addr: A + 1n, len: P, policy: unknown("bind", "P1"), failed: true },
    { line: 8, pid: 4242, addr: A + 40n * P, len: 4n * P, policy: "default" }, // v0.23 C type names
    { line: 9, pid: 4242, addr: A + 62n * P, len: 4n * P, policy: unknown("preferred", "P1", ["static"]) },
    { line: 10, pid: 4242, addr: A + 8n * P, len: P - 1n, policy: known("local", "") },
    { line: 14, pid: 4242, addr: A + 40n * P, len: 4n * P, policy: "default" },
    { line: 15, pid: 4242, addr: A, len: U64, policy: unknown("bind", "P1") },
    // Two nodemask pointers a double cannot tell apart, then a length of 2^53 + 1.
    { line: 16, pid: 5151, addr: B, len: 4n * P, policy: unknown("bind", "Q1") },
    { line: 17, pid: 5151, addr: B, len: 4n * P, policy: unknown("bind", "Q2") },
    { line: 18, pid: 5151, addr: B + 16n * P, len: (1n << 53n) + 1n, policy: unknown("interleave", "Q1") },
    { line: 20, pid: 5151, addr: B + 2n * P, len: P, policy: "default", failed: true },
  ];
  const r = replay("tracee_legacy.jsonl");

  test("the table describes the fixture's mbind lines", () => {
    expectTableMatchesFixture("tracee_legacy.jsonl", calls, (a) => `"value":${a}}`);
    expect(r.format).toBe("tracee");
  });

  test.each([4242, 5151])("replayLog() gives process %i the map, no-change calls, splits and estimate the model computes", (pid) => {
    expect(reduced(r, pid)).toEqual(expected(calls, pid));
  });

  test("replayLog() reads addresses and lengths past 2^53 exactly", () => {
    const m = proc(r, 5151).map;
    expect(m.at(-1)).toEqual({ start: "0x80000000010000", end: hex(B + 16n * P + (1n << 53n) + P), mode: "interleave", nodes: null });
    // Q1 and Q2 differ only below a double's precision: equal pointers would make line 17 a no-op.
    expect(proc(r, 5151).noChange).toEqual([]);
  });

  test("replayLog() counts calls, failures, thread policies, move_pages and migrate_pages per process, by processId", () => {
    const p = proc(r, 4242);
    expect(p.calls).toEqual({ mbind: 10, set_mempolicy: 1, get_mempolicy: 1, move_pages: 1, migrate_pages: 1 });
    expect(p.failures).toEqual({ EINVAL: 1 });
    expect(p.threads).toEqual([{ tid: 4247, policy: { mode: "interleave", nodes: null }, line: 1 }]);
    expect(p.movePages).toEqual([{ line: 12, tid: 4247, pid: 0, count: 512, nodes: null, query: false, flags: ["move"], result: 0 }]);
    expect(p.migratePages).toEqual([{ line: 13, tid: 4247, pid: 4242, from: null, to: null, result: 3 }]);
    expect(proc(r, 5151).failures).toEqual({ EFAULT: 1 });
    // preferred with a NULL mask is local.
    expect(proc(r, 5151).threads).toEqual([{ tid: 5152, policy: { mode: "local", nodes: "" }, line: 19 }]);
    expect(r.processes.map((x) => x.pid)).toEqual([4242, 5151]);
    expect(r.events).toBe(19); // the openat event is not one of the five
  });

  test("replayLog() keeps apart processes of two containers that share a pid, by hostProcessId", () => {
    expect(proc(r, 5151).hostPid).toBe(35151);
    expect(proc(r, 4242).hostPid).toBeUndefined();
    const line = read("tracee_legacy.jsonl").split("\n")[1]!;
    const other = line.replace('"hostProcessId":4242', '"hostProcessId":9999').replace(`"value":${A}}`, `"value":${A + 64n * P}}`);
    const two = replayLog(`${line}\n${other}\n`);
    expect(two.processes.map((p) => [p.pid, p.hostPid, p.map.length])).toEqual([[4242, undefined, 1], [4242, 9999, 1]]);
  });
});

describe("Tracee v1beta1 (name, data, 64-bit values as strings)", () => {
  const A = 0x7f72b8a00000n, C = 0x7f1000000000n;
  const calls: Call[] = [
    { line: 1, pid: 4242, addr: A, len: 32n * P, policy: unknown("interleave", "P1", ["relative"]) },
    { line: 2, pid: 4242, addr: A + 4n * P, len: 4n * P, policy: unknown("bind", "P1") },
    { line: 3, pid: 4242, addr: A + 4n * P, len: 4n * P, policy: unknown("bind", "P1") }, // other mbind flags: the same policy
    { line: 4, pid: 4242, addr: A + 30n * P, len: 4n * P, policy: unknown("bind", "P1") },
    { line: 5, pid: 4242, addr: A + 12n * P, len: 2n * P, policy: unknown("bind", "P1"), failed: true },
    { line: 11, pid: 777, addr: C, len: 8n * P, policy: unknown("preferred-many", "P3", ["balancing"]) },
    { line: 12, pid: 777, addr: C, len: 8n * P, policy: unknown("weighted-interleave", "P3") },
  ];
  const r = replay("tracee_v1.jsonl");

  test("the table describes the fixture's mbind lines", () => {
    expectTableMatchesFixture("tracee_v1.jsonl", calls, (a) => `"pointer":"${a}"`);
    expect(r.format).toBe("tracee-v1");
  });

  test.each([4242, 777])("replayLog() gives process %i the model's map, no-change calls, splits and estimate", (pid) => {
    expect(reduced(r, pid)).toEqual(expected(calls, pid));
  });

  test("replayLog() takes the pid from workload.process.pid, the tid from its thread, returnValue from the last data item", () => {
    const p = proc(r, 4242);
    expect(p.failures).toEqual({ EINVAL: 1, ESRCH: 1 });
    expect(p.threads).toEqual([{ tid: 4250, policy: { mode: "bind", nodes: null }, line: 7 }]);
    expect(p.movePages).toEqual([{ line: 6, tid: 4247, pid: 0, count: 16, nodes: null, query: true, flags: [], result: 0 }]);
    expect(p.migratePages).toEqual([{ line: 9, tid: 4247, pid: 1234, from: null, to: null, result: -1, error: "ESRCH" }]);
    expect(p.calls.get_mempolicy).toBe(1);
    expect(p.noChange.map((n) => n.tid)).toEqual([4250]);
    expect(proc(r, 777).calls.mbind).toBe(2); // "pid": { "value": 777 }
  });
});

describe("numabind's own events (Tracee legacy lines with a numabind field)", () => {
  const D = 0x7f5bfd81c000n;
  const calls: Call[] = [
    { line: 1, pid: 9001, addr: D, len: 64n * P, policy: "default" },
    { line: 2, pid: 9001, addr: D, len: 16n * P, policy: known("bind", "0-1") },
    // Another mask pointer, the same nodes: numabind's field says so, and the ranges merge.
    { line: 3, pid: 9001, addr: D + 8n * P, len: 16n * P, policy: known("bind", "0-1") },
    { line: 4, pid: 9001, addr: D + 4n * P, len: 4n * P, policy: known("bind", "0-1") },
    { line: 5, pid: 9001, addr: D + 4n * P, len: 2n * P, policy: known("bind", "0-1", ["static"]) },
    { line: 6, pid: 9001, addr: D + 32n * P, len: 8n * P, policy: known("interleave", "0-3,7") },
    { line: 7, pid: 9001, addr: D + 36n * P, len: 8n * P, policy: known("interleave", "0-3,7") },
    { line: 8, pid: 9001, addr: D + 50n * P, len: 2n * P, policy: unknown("preferred", "P1") }, // no numabind field
    { line: 9, pid: 9001, addr: D + 52n * P, len: 2n * P, policy: known("preferred", "2") },
    { line: 13, pid: 9001, addr: D + P, len: 2n * P, policy: known("preferred-many", "9"), failed: true },
  ];
  const r = replay("tracee_numabind.jsonl");

  test("the table describes the fixture's mbind lines", () => expectTableMatchesFixture("tracee_numabind.jsonl", calls, (a) => `"value":${a}}`));

  test("replayLog() uses the numabind field's nodes: the model's map, no-change calls, splits and estimate", () => {
    expect(reduced(r, 9001)).toEqual(expected(calls, 9001));
    expect(proc(r, 9001).map.filter((m) => m.nodes !== null).length).toBe(5);
  });

  test("replayLog() keeps the batch request index and reads the field for set_mempolicy, move_pages and migrate_pages", () => {
    const p = proc(r, 9001);
    expect(p.noChange[0]).toMatchObject({ line: 1, request: 0, mode: "default" });
    expect(p.threads).toEqual([{ tid: 9002, policy: { mode: "preferred-many", nodes: "1" }, line: 10 }]);
    expect(p.migratePages).toEqual([{ line: 11, tid: 9001, pid: 9001, from: "0", to: "1", result: 0 }]);
    expect(p.movePages).toEqual([{ line: 12, tid: 9001, pid: 0, count: 4, nodes: "1", query: false, flags: ["move"], result: 0 }]);
    expect(p.failures).toEqual({ EINVAL: 1 });
  });
});

describe("strace's forms", () => {
  const S = 0x7f0000000000n;
  const calls: Call[] = [
    { line: 3, pid: 4100, addr: S, len: 64n * P, policy: "default" },
    { line: 4, pid: 4100, addr: S, len: 32n * P, policy: known("bind", "0-1") },
    // Threads 4101 and 4100 interleave; 4101's call ends first. "[0 1]" is a node list.
    { line: 6, pid: 4100, addr: S + 8n * P, len: 4n * P, policy: known("interleave", "0-1", ["static"]) },
    { line: 7, pid: 4100, addr: S + 32n * P, len: 2n * P, policy: known("preferred", "2") },
    { line: 12, pid: 4100, addr: S + 8n * P, len: 4n * P, policy: known("interleave", "0-1", ["static"]) }, // two words, maxnode 129
    { line: 13, pid: 4100, addr: S + P, len: P, policy: known("bind", "1"), failed: true },
    { line: 14, pid: 4100, addr: S + P + 1n, len: P, policy: known("bind", "0"), failed: true },
    { line: 15, pid: 4100, addr: S + 16n * P, len: 2n * P, policy: known("weighted-interleave", "0,2") }, // "0x6 /* MPOL_??? */"
    { line: 16, pid: 4100, addr: S + 24n * P, len: 2n * P, policy: "default" },
    { line: 17, pid: 4100, addr: S + 30n * P, len: P, policy: "default", failed: true },
    // maxnode 3: the kernel reads 2 bits of [0x7].
    { line: 18, pid: 4100, addr: S + 30n * P, len: 3n * P, policy: known("preferred-many", "0-1", ["balancing"]) },
    { line: 19, pid: 4100, addr: S + 64n * P, len: 0n, policy: known("bind", "0") },
    { line: 31, pid: 4200, addr: S, len: 2n * P, policy: known("interleave", "0-1") },
    { line: 34, pid: 4100, addr: S + 48n * P, len: 4n * P, policy: unknown("bind", "0x7ffd9a3c1230") },
    { line: 35, pid: 4100, addr: S + 52n * P, len: 4n * P, policy: unknown("bind", "0x7ffd9a3c1230") }, // raw numbers
    { line: 36, pid: 4100, addr: S + 54n * P, len: 2n * P, policy: unknown("bind", "0x7ffd9a3c1240") },
  ];
  const r = replay("strace_forms.strace");

  test("the table describes the fixture's mbind lines", () => {
    expectTableMatchesFixture("strace_forms.strace", calls, (a) => `mbind(${hex(a)},`);
    expect(r.format).toBe("strace");
  });

  test.each([4100, 4200])("replayLog() gives process %i the model's map, no-change calls, splits and estimate", (pid) => {
    expect(reduced(r, pid)).toEqual(expected(calls, pid));
  });

  test("replayLog() folds thread 4101 into process 4100 (clone3 with CLONE_THREAD) and keeps fork's child apart", () => {
    expect(r.processes.map((p) => p.pid)).toEqual([4100, 4200]);
    const p = proc(r, 4100);
    expect(p.threads).toEqual([
      { tid: 4100, policy: { mode: "bind", nodes: "1", flags: ["relative"] }, line: 20 },
      { tid: 4101, policy: { mode: "local", nodes: "" }, line: 21 },
    ]);
    expect(p.splits.find((s) => s.line === 6)!.tid).toBe(4101);
  });

  test("replayLog() counts failures by errno and lists move_pages and migrate_pages, a resumed get_mempolicy included", () => {
    const p = proc(r, 4100);
    expect(p.calls).toEqual({ mbind: 15, set_mempolicy: 2, get_mempolicy: 1, move_pages: 3, migrate_pages: 2 });
    expect(p.failures).toEqual({ EINVAL: 2, EPERM: 2, ESRCH: 1 });
    expect(p.movePages).toEqual([
      { line: 25, tid: 4100, pid: 0, count: 3, nodes: "0-1", query: false, flags: ["move"], result: 0 },
      { line: 26, tid: 4100, pid: 0, count: 2, nodes: null, query: true, flags: [], result: 0 },
      { line: 27, tid: 4100, pid: 0, count: 40, nodes: "2-3", query: false, truncated: true, flags: ["moveAll"], result: -1, error: "EPERM" },
    ]);
    expect(p.migratePages).toEqual([
      { line: 28, tid: 4100, pid: 4300, from: "0", to: "1", result: 12 },
      { line: 29, tid: 4100, pid: 99999, from: "0", to: "1", result: -1, error: "ESRCH" },
    ]);
  });

  test("replayLog() warns of lines that are not strace's and of calls that never returned, and skips them", () => {
    expect(r.warnings.map((w) => w.line)).toEqual([33, 37, 38]);
    expect(r.warnings[0]!.message).toMatch(/not an strace line/);
    expect(proc(r, 4100).map.some((m) => m.start === hex(S + 56n * P))).toBe(false); // line 37's "= ?"
  });

  test("replayLog() reads -tt timestamps and -T durations, and gives prefixless lines the --pid process", () => {
    const t = replayLog(read("strace_timed.strace"), { pid: 77 });
    const tCalls: Call[] = [
      { line: 1, pid: 77, addr: 0x7f1000000000n, len: 16n * P, policy: known("bind", "0") },
      { line: 2, pid: 77, addr: 0x7f1000004000n, len: P, policy: known("local", "") },
    ];
    expect(reduced(t, 77)).toEqual(expected(tCalls, 77));
    expect(proc(t, 77).threads).toEqual([{ tid: 77, policy: { mode: "interleave", nodes: "0-1" }, line: 3 }]);
    expect(replayLog(read("strace_timed.strace")).processes[0]!.pid).toBe(0);
  });
});
