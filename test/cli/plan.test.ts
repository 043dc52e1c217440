// `numabind plan` over fixtures/plan_*: the ops are predicted here from the inputs by the
// planner's documented rules (page-aligned raw ranges, the last request wins where requests
// overlap, touching ranges with equal policy and flags coalesce), never pasted from its output.
import { execFileSync, spawnSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import type { PlanOpJson, PlanReport } from "../../host/cli/commands/plan.ts";
import { tempDir } from "../helpers/child.ts";
import { CLI, cli } from "./_cli.ts";

const fixtures = join(import.meta.dirname, "fixtures");
const fixture = (name: string): string => join(fixtures, name);
const MODES = ["default", "preferred", "bind", "interleave", "local", "preferred-many", "weighted-interleave"];
const MODE_FLAGS = ["static", "relative", "balancing"] as const;
const configured = readdirSync("/sys/devices/system/node").flatMap((d) => /^node(\d+)$/.exec(d)?.[1] ?? []).map(Number);

interface Req {
  addr: string | number;
  length: string | number;
  policy: { mode: string; nodes?: string | number[]; static?: boolean; relative?: boolean; balancing?: boolean };
  flags?: Record<string, boolean>;
}
interface Input { requests: Req[]; options?: { pageSize?: number } }

const read = (name: string): Input => JSON.parse(readFileSync(fixture(name), "utf8")) as Input;
/** Node ids a fixture's policy names: a plain list ("0", "0,2") or an array. */
const nodesOf = (p: Req["policy"]): number[] =>
  (Array.isArray(p.nodes) ? p.nodes : p.nodes === undefined || p.nodes === "" ? [] : p.nodes.split(",").map(Number)).sort((a, b) => a - b);
const hex = (n: bigint): string => `0x${n.toString(16)}`;

/** Why a request must be refused, by the rules the fixtures exercise; undefined when it passes. */
function refusal(r: Req, page: bigint): RegExp | undefined {
  if (!MODES.includes(r.policy.mode)) return new RegExp(`policy\\.mode.*${r.policy.mode}`);
  const absent = nodesOf(r.policy).find((n) => !configured.includes(n));
  if (absent !== undefined) return new RegExp(`node ${absent} .*not configured`);
  if (BigInt(r.addr) % page !== 0n || BigInt(r.length) % page !== 0n) return /page boundary/;
  return undefined;
}

/** The ops and counts plan() must give for `reqs` (by input index), from the rules alone. */
function model(reqs: ReadonlyMap<number, Req>, page: bigint) {
  const owner = new Map<bigint, number>();
  for (const [i, r] of [...reqs].sort((a, b) => a[0] - b[0])) {
    const first = BigInt(r.addr) / page, n = BigInt(r.length) / page;
    for (let p = first; p < first + n; p++) owner.set(p, i); // later requests win
  }
  const key = (i: number): string => {
    const r = reqs.get(i)!;
    return JSON.stringify([r.policy.mode, nodesOf(r.policy), MODE_FLAGS.filter((f) => r.policy[f]), Object.keys(r.flags ?? {}).filter((f) => r.flags![f]).sort()]);
  };
  const pages = [...owner.keys()].sort((a, b) => (a < b ? -1 : 1));
  const ops: PlanOpJson[] = [];
  let pieces = 0, groups = 0, prev: bigint | undefined;
  for (const p of pages) {
    const i = owner.get(p)!, r = reqs.get(i)!;
    const touching = prev !== undefined && p === prev + 1n;
    if (!touching) groups++;
    if (!touching || owner.get(prev!) !== i) pieces++;
    const last = ops.at(-1);
    if (touching && last && key(last.request) === key(i)) {
      last.length = hex(BigInt(last.length) + page);
    } else {
      ops.push({
        addr: hex(p * page), length: hex(page), mode: r.policy.mode, nodes: nodesOf(r.policy),
        modeFlags: MODE_FLAGS.filter((f) => r.policy[f] === true),
        flags: Object.fromEntries(Object.keys(r.flags ?? {}).filter((f) => r.flags![f]).map((f) => [f, true])) as Record<string, true>,
        request: i,
      });
    }
    prev = p;
  }
  const visible = new Set(owner.values()).size;
  // docs/api.md: each equal-policy run may become a mapping, and each contiguous group of ops
  // may split one more off the mapping around it.
  return { ops, stats: { requests: reqs.size, ops: ops.length, coalesced: pieces - ops.length, splits: 0, estimatedVmas: ops.length + groups, overridden: reqs.size - visible } };
}

const planJson = (args: string[], input?: string): { status: number | null; stderr: string; report: PlanReport } => {
  const r = cli(["plan", ...args, "--json"], input === undefined ? {} : { input });
  return { status: r.status, stderr: r.stderr, report: JSON.parse(r.stdout) as PlanReport };
};

test("plan over overlapping requests gives the ops the rules predict: aligned, last wins, equal neighbours coalesce; exit 0", () => {
  const input = read("plan_overlap.json");
  const page = BigInt(input.options!.pageSize!);
  expect(input.requests.every((r) => refusal(r, page) === undefined)).toBe(true);
  const want = model(new Map(input.requests.map((r, i) => [i, r])), page);
  const { status, stderr, report } = planJson([fixture("plan_overlap.json")]);
  expect(stderr).toBe("");
  expect(status).toBe(0);
  expect(report.refused).toEqual([]);
  expect(report.batchRefused).toBeNull();
  expect(report.ops).toEqual(want.ops);
  expect(report.stats).toEqual(want.stats);
  // The fixture is built to exercise each rule at least once.
  expect(want.stats.coalesced).toBeGreaterThan(0);
  expect(want.stats.overridden).toBeGreaterThan(0);
  expect(want.ops.length).toBeLessThan(input.requests.length);
});

test("plan lists every refused request (unknown mode, absent node, unaligned) by index with its reason, plans the rest, exit 1", () => {
  const input = read("plan_refused.json");
  const page = BigInt(input.options!.pageSize!);
  const expected = input.requests.map((r, i) => ({ i, why: refusal(r, page) })).filter((x) => x.why);
  const accepted = new Map(input.requests.map((r, i) => [i, r] as const).filter(([i]) => !expected.some((x) => x.i === i)));
  expect(expected.length).toBeGreaterThanOrEqual(3);
  const { status, stderr, report } = planJson([fixture("plan_refused.json")]);
  expect(status).toBe(1);
  expect(stderr).toBe(`numabind plan: ${expected.length} of ${input.requests.length} requests would be refused; see "refused"\n`);
  expect(report.refused.map((f) => f.index)).toEqual(expected.map((x) => x.i));
  for (const [k, f] of report.refused.entries()) {
    expect(f.reason).toMatch(expected[k]!.why!);
    expect(f.reason).toContain(`requests[${f.index}]`);
    expect(f.reason).not.toContain("\n");
  }
  const want = model(accepted, page);
  expect(report.accepted).toBe(accepted.size);
  expect(report.ops).toEqual(want.ops);
  expect(report.stats).toEqual(want.stats);
});

test("plan - reads the same batch from standard input", () => {
  const text = readFileSync(fixture("plan_overlap.json"), "utf8");
  const fromFile = planJson([fixture("plan_overlap.json")]).report;
  const { status, report } = planJson(["-"], text);
  expect(status).toBe(0);
  expect(report.input).toBe("-");
  expect({ ...report, input: fromFile.input }).toEqual(fromFile);
  // A bare array of requests is the same batch.
  const bare = planJson(["-"], JSON.stringify(JSON.parse(text).requests));
  expect(bare.report.ops).toEqual(fromFile.ops);
});

test("plan: invalid JSON, an unreadable file and a wrong shape exit 2 with one line naming what is wrong", () => {
  for (const [args, pattern] of [
    [[fixture("plan_invalid.json")], /^numabind plan: input: not valid JSON \(.+\)/],
    [[fixture("plan_shape.json")], /^numabind plan: requests\[3\]\.length: must be a positive integer or hex string/],
    [[join(fixtures, "plan_no_such_file.json")], /^numabind plan: cannot read .*plan_no_such_file\.json: no such file/],
  ] as const) {
    const r = cli(["plan", ...args]);
    expect(r.status, args[0]).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(pattern);
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  }
  const bad = cli(["plan", "-"], { input: JSON.stringify({ requests: [], options: { overlap: "sometimes" } }) });
  expect(bad.status).toBe(2);
  expect(bad.stderr).toMatch(/^numabind plan: options: .*overlap must be "last-wins" or "error"/);
});

const pages = (from: number, n: number, policy: Req["policy"]): Req => ({ addr: hex(0x7f0000000000n + BigInt(from) * 4096n), length: n * 4096, policy });

test("plan with overlap: \"error\" refuses the later of two overlapping requests, naming the earlier", () => {
  const input = { requests: [pages(0, 2, { mode: "bind", nodes: "0" }), pages(1, 2, { mode: "bind", nodes: "0" }), pages(8, 1, { mode: "local" })], options: { overlap: "error" } };
  const { status, report } = planJson(["-"], JSON.stringify(input));
  expect(status).toBe(1);
  expect(report.refused).toEqual([{ index: 1, reason: expect.stringMatching(/requests\[1\].*overlaps requests\[0\]/) }]);
  expect(report.ops.map((o) => o.request)).toEqual([0, 2]);
});

test("plan says when the accepted requests are refused together (the VMA budget), exit 1", () => {
  // 12 touching pages of alternating policy: 12 runs and 1 group, at most 13 mappings; 1 page alone needs 2.
  const requests = Array.from({ length: 12 }, (_, i) => pages(i, 1, { mode: i % 2 ? "bind" : "interleave", nodes: "0" }));
  const { status, stderr, report } = planJson(["-"], JSON.stringify({ requests, options: { maxMapCount: 10, mapCount: 0, mapReserve: 0 } }));
  expect(status).toBe(1);
  expect(report.refused).toEqual([]);
  expect(report.accepted).toBe(12);
  expect(report.batchRefused).toMatch(/up to 13 mappings/);
  expect(report.ops).toEqual([]);
  expect(stderr).toMatch(/12 of 12 requests would be refused \(the accepted ones together/);
});

test("plan's text lists at most 50 ops and says --json gives all", () => {
  const requests = Array.from({ length: 60 }, (_, i) => pages(i, 1, { mode: i % 2 ? "bind" : "interleave", nodes: "0" }));
  const r = cli(["plan", "-"], { input: JSON.stringify(requests) });
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/^dry run of 60 requests from standard input/);
  expect(r.stdout).toMatch(/60 requests -> 60 ops: 0 request pieces merged/);
  expect(r.stdout.match(/^ {2}0x7f[0-9a-f]+ +0x1000 +(bind|interleave):0 +- +\d+$/gm)).toHaveLength(50);
  expect(r.stdout).toMatch(/^ {2}\.\.\. 10 more ops; --json lists all$/m);
});

test("plan draws progress bars on a terminal for a large input, and prints only the result without one", () => {
  const n = 150_000;
  const requests: Req[] = Array.from({ length: n }, (_, i) => pages(2 * i, 1, { mode: "bind", nodes: "0" }));
  requests.push(pages(2 * n, 1, { mode: "bind", nodes: "9" }));
  const file = join(tempDir(), "plan_large.json");
  writeFileSync(file, JSON.stringify({ requests, options: { maxMapCount: 0 } }));
  const out = join(tempDir(), "plan_large.out");
  // script(1) gives the command a pseudo-terminal; stdout goes to a file, so what script
  // prints is the command's stderr alone.
  const tty = execFileSync("script", ["-qec", `${process.execPath} ${CLI} plan ${file} --json > ${out}; echo "exit=$?"`, "/dev/null"], { encoding: "utf8", timeout: 60_000 });
  expect(tty).toMatch(/exit=1/);
  expect(tty).toMatch(/validating \[[=-]+\] 100% \| 150001\/150001/);
  expect(tty).toMatch(/checking requests \[[=-]+\] 100% \| 150001\/150001/);
  const report = JSON.parse(readFileSync(out, "utf8")) as PlanReport;
  expect(report.refused.map((f) => f.index)).toEqual([n]);
  expect(report.stats?.ops).toBe(n);
  // Its JSON is ~30 MB: more than cli()'s default buffer.
  const plain = spawnSync(process.execPath, [CLI, "plan", file, "--json"], { encoding: "utf8", maxBuffer: 256 << 20, timeout: 60_000 });
  expect(plain.status).toBe(1);
  expect(plain.stderr).toBe(`numabind plan: 1 of 150,001 requests would be refused; see "refused"\n`);
  expect(plain.stdout).not.toContain("\x1b");
  expect((JSON.parse(plain.stdout) as PlanReport).ops).toEqual(report.ops);
});
