// `numabind inspect PID` on a live process that bound memory through numabind, checked against
// its numa_maps read by the test; off-policy pages over a 2-node fixture (one node here).
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { type InspectReport, inspectReport, inspectText } from "../../host/cli/commands/inspect.ts";
import { parseNumaMaps } from "../../host/mod.ts";
import { CLI, cli } from "./_cli.ts";
import { type BoundChild, startBoundChild } from "./fixtures/stat_child.ts";

const fixtureMaps = (): string => readFileSync(join(import.meta.dirname, "fixtures", "stat_numa_maps.txt"), "utf8");

let child: BoundChild;
beforeAll(async () => { child = await startBoundChild(); });
afterAll(async () => { await child?.stop(); });

const inspectJson = (args: string[]): InspectReport => {
  const r = cli(["inspect", ...args, "--json"]);
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as InspectReport;
};
const mappingAt = (r: InspectReport, addr: bigint) => r.mappings.find((m) => BigInt(m.start) <= addr && m.end !== null && addr < BigInt(m.end));

test("inspect PID --json shows the buffer bound through numabind as bind:0 with its pages on node 0", () => {
  const r = inspectJson([String(child.pid)]);
  expect(r).toMatchObject({ pid: child.pid, name: "node", listed: "all" });
  const m = mappingAt(r, child.addr);
  expect(m).toBeDefined();
  expect(m).toMatchObject({ start: `0x${child.addr.toString(16)}`, bytes: child.bytes, kind: "anon", policy: "bind:0", mode: "bind", policyNodes: [0], offPolicyPages: 0 });
  const node0 = r.nodes.indexOf(0);
  expect(m!.pages[node0]).toBe(child.bytes / m!.pageSize);
  expect(m!.residentPages).toBe(m!.pages[node0]);
  const bound = r.byPolicy.find((p) => p.policy === "bind:0");
  expect(bound!.totalBytes).toBeGreaterThanOrEqual(child.bytes);
});

test("inspect lists every mapping of the process's numa_maps, with its policy text and pages", () => {
  const lines = (): string[] => readFileSync(`/proc/${child.pid}/numa_maps`, "utf8").trim().split("\n");
  // The child is idle, but V8 may still touch a page now and then (idle GC): take a reading
  // that the numa_maps before and after agree on.
  let before: string[] = [], after: string[] = [], r = inspectJson([String(child.pid)]);
  for (let tries = 0; tries < 10; tries++) {
    before = lines();
    r = inspectJson([String(child.pid)]);
    after = lines();
    if (before.join("\n") === after.join("\n")) break;
  }
  expect(before).toEqual(after);
  expect(r.mappings.map((m) => BigInt(m.start))).toEqual(before.map((l) => BigInt(`0x${l.split(" ")[0]}`)));
  r.mappings.forEach((m, i) => {
    const line = before[i]!;
    expect(line.slice(line.indexOf(" ") + 1).startsWith(`${m.policy}`)).toBe(true);
    const pages = Object.fromEntries([...line.matchAll(/ N(\d+)=(\d+)/g)].map((x) => [Number(x[1]), Number(x[2])]));
    expect(m.pages).toEqual(r.nodes.map((n) => pages[n] ?? 0));
    if (line.includes(" heap")) expect(m.kind).toBe("heap");
    if (/ file=/.test(line) && !line.includes(" huge")) expect(m.kind).toBe("file");
  });
});

test("inspect's totals add up: mappings to nodes, policies to the totals, pages times page size to bytes", () => {
  const r = inspectJson([String(child.pid)]);
  const width = r.nodes.length;
  const pages = Array(width).fill(0), bytes = Array(width).fill(0);
  for (const m of r.mappings) m.pages.forEach((p, i) => { pages[i] += p; bytes[i] += p * m.pageSize; });
  expect(r.totals.pages).toEqual(pages);
  expect(r.totals.bytes).toEqual(bytes);
  expect(r.totals.totalPages).toBe(pages.reduce((a, b) => a + b, 0));
  expect(r.totals.totalBytes).toBe(bytes.reduce((a, b) => a + b, 0));
  expect(r.totals.mappings).toBe(r.mappings.length);
  expect(r.byPolicy.reduce((a, p) => a + p.mappings, 0)).toBe(r.mappings.length);
  expect(r.byPolicy.reduce((a, p) => a + p.totalBytes, 0)).toBe(r.totals.totalBytes);
  for (let i = 0; i < width; i++) expect(r.byPolicy.reduce((a, p) => a + p.pages[i]!, 0)).toBe(r.totals.pages[i]);
  expect(new Set(r.byPolicy.map((p) => p.policy)).size).toBe(r.byPolicy.length);
});

test("inspect --off-policy lists only mappings with pages off their policy's nodes (none can be on one node)", () => {
  const r = inspectJson([String(child.pid), "--off-policy"]);
  expect(r.listed).toBe("off-policy");
  expect(r.mappings.every((m) => m.offPolicyPages > 0)).toBe(true);
  expect(r.mappings).toHaveLength(r.offPolicy.mappings);
  if (r.nodes.length === 1) expect(r.offPolicy).toEqual({ mappings: 0, pages: 0, bytes: 0 });
  const text = cli(["inspect", String(child.pid)]).stdout;
  expect(text).toMatch(new RegExp(`^PID ${child.pid} \\(node\\): \\d+ mappings, [\\d.]+ MiB resident$`, "m"));
  expect(text).toMatch(new RegExp(`^ {2}0x${child.addr.toString(16)}-0x[0-9a-f]+ +8 MiB +bind:0 +2,048 +anon$`, "m"));
  expect(text).toMatch(/^ {2}all +\d+ /m);
});

test("inspectReport() finds pages on nodes that bind, interleave and preferred-many do not allow, and not for preferred", () => {
  const r = inspectReport(7, "demo", parseNumaMaps(fixtureMaps()), [0, 1], 4096, 2 << 20);
  const by = (policy: string) => r.mappings.find((m) => m.policy === policy)!;
  expect(by("bind:1").offPolicyPages).toBe(32);          // N0=32 outside {1}
  expect(by("interleave:0-1").offPolicyPages).toBe(0);
  expect(by("prefer:1").offPolicyPages).toBe(0);          // preferred allows any node
  expect(by("prefer (many):0").offPolicyPages).toBe(4);   // N1=4 outside {0}
  expect(by("bind:0")).toMatchObject({ kind: "huge", file: "/dev/hugepages/buf", pageSize: 2 << 20, offPolicyPages: 0 });
  expect(r.offPolicy).toEqual({ mappings: 2, pages: 36, bytes: 36 * 4096 });
  expect(inspectReport(7, "demo", parseNumaMaps(fixtureMaps()), [0, 1], 4096, 2 << 20, true).mappings.map((m) => m.policy))
    .toEqual(["bind:1", "prefer (many):0"]);
  const text = inspectText(r, false);
  expect(text).toMatch(/^ {2}0x7f1a00000000-\? +\? +bind:1 +32 +512 +32 +anon$/m);
  expect(text).toMatch(/^Off-policy: 2 mappings with 36 pages \(144 KiB\) on nodes their policy does not allow/m);
  expect(text).toMatch(/1 mapping without resident pages not shown; --all lists them/);
  expect(inspectText(r, true)).toMatch(/^ {2}0x7f1a40000000-\? +\? +default +- +- +anon$/m);
});

test("inspect of a process that does not exist exits 1 with one line and no stack trace", async () => {
  const gone = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  const r = cli(["inspect", gone.stdout]);
  expect(r.status).toBe(1);
  expect(r.stdout).toBe("");
  expect(r.stderr).toBe(`numabind inspect: no process with pid ${gone.stdout} (it may have exited); check the pid with 'ps -p ${gone.stdout}'\n`);
});

test("inspect refuses a pid that is not a number, or none, with a usage error (exit 2)", () => {
  for (const args of [["abc"], [], ["0"], ["12", "--bogus"]]) {
    const r = cli(["inspect", ...args]);
    expect(r.status, args.join(" ")).toBe(2);
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/see 'numabind inspect --help'\n$/);
  }
});

const asNobody = process.getuid?.() === 0 && existsSync("/usr/bin/setpriv");
test.runIf(asNobody)("inspect of another user's process says permission denied and how to fix it (exit 1)", () => {
  const r = spawnSync("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", process.execPath, CLI, "inspect", String(child.pid)], { encoding: "utf8" });
  expect(r.status).toBe(1);
  expect(r.stderr).toBe(`numabind inspect: cannot read /proc/${child.pid}/numa_maps: permission denied (it needs ptrace access to pid ${child.pid}); run numabind as that process's user or as root\n`);
});
