// numabind-plan.wasm, the WASI build of the planner: JSON in on stdin, the plan out on stdout,
// run under node:wasi and under Deno (the deno npm package's binary), checked against the
// host's own planner for the same batch.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import type { BindRequest, PlanOptions } from "../../host/mod.ts";
import { planOn, type FakeMachine } from "../helpers/fake_facts.ts";
import { deno, type Output, runPlanner as run, wasm } from "./helpers/wasi_planner.ts";

const MACHINE = { configured: "0-3", allowed: "0-3", withMemory: "0-3", pageSize: 4096, kernel: "6.18", capSysNice: true };
const FAKE: FakeMachine = { configured: [0, 1, 2, 3], mapCount: 0, maxMapCount: 0 };

/** A batch the host plans too: raw requests on a 4-node machine. */
const cases: { name: string; requests: { addr: number; pages: number; policy: Record<string, unknown>; flags?: Record<string, boolean> }[]; options?: PlanOptions }[] = [
  { name: "shuffled runs coalesce", requests: [3, 0, 2, 1].map((p) => ({ addr: p, pages: 1, policy: { mode: "bind", nodes: "0-1" } })) },
  { name: "last-wins overlap", requests: [{ addr: 0, pages: 8, policy: { mode: "interleave", nodes: "all" } }, { addr: 2, pages: 2, policy: { mode: "local" } }] },
  { name: "blocks, weights, chunks", options: { interleaveBlock: 8192, weights: [2, 1], chunkBytes: 16384 },
    requests: [{ addr: 0, pages: 16, policy: { mode: "interleave", nodes: "0-2" }, flags: { move: true } }] },
  { name: "OCI and numactl names", requests: [
    { addr: 0, pages: 2, policy: { mode: "MPOL_PREFERRED_MANY", nodes: "1-2", flags: ["MPOL_F_STATIC_NODES"] } },
    { addr: 2, pages: 2, policy: { mode: "membind", nodes: [3], relative: true } },
    { addr: 4, pages: 2, policy: { mode: "localalloc" }, flags: { strict: true } },
  ] },
];

const BASE = 0x7f0000000000;
const toJson = (c: (typeof cases)[number]): unknown => ({
  facts: MACHINE, options: c.options ?? {},
  requests: c.requests.map((r) => ({ addr: `0x${(BASE + r.addr * 4096).toString(16)}`, length: r.pages * 4096, policy: r.policy, ...(r.flags ? { flags: r.flags } : {}) })),
});
const toRequests = (c: (typeof cases)[number]): BindRequest[] => c.requests.map((r) => ({
  target: { addr: BigInt(BASE + r.addr * 4096), length: BigInt(r.pages * 4096) },
  policy: r.policy as never,
  ...(r.flags ? { flags: r.flags } : {}),
}));

describe.each(["node", "deno"] as const)("numabind-plan.wasm under %s", (rt) => {
  test.each(cases)("$name: the plan equals the host planner's", (c) => {
    const { status, out } = run(rt, toJson(c));
    expect(status).toBe(0);
    expect(out.ok).toBe(true);
    const host = planOn(FAKE, toRequests(c), c.options ?? {});
    expect(out.ops!.map((o) => ({ ...o, policy: { ...o.policy } }))).toEqual(host.ops.map((o) => ({
      addr: `0x${o.addr.toString(16)}`, length: Number(o.length),
      policy: { mode: o.policy.mode, nodes: o.policy.nodes.toList(), ...(o.policy.static ? { static: true } : {}), ...(o.policy.relative ? { relative: true } : {}), ...(o.policy.balancing ? { balancing: true } : {}) },
      flags: o.flags, request: o.request,
    })));
    expect(out.stats).toEqual(host.stats);
  });

  test("facts.interleaveWeights weigh weighted-interleave blocks as the kernel's sysfs weights do", () => {
    const requests = [{ addr: 0, length: 8 * 4096, policy: { mode: "weighted-interleave", nodes: "0-1" } }];
    const { out } = run(rt, { facts: { ...MACHINE, interleaveWeights: [1, 3] }, options: { interleaveBlock: 4096 }, requests });
    const host = planOn({ ...FAKE, weights: [1, 3] }, [{ target: { addr: 0n, length: 8n * 4096n }, policy: { mode: "weighted-interleave", nodes: "0-1" } }],
      { interleaveBlock: 4096 });
    expect(out.ops!.map((o) => `${o.policy.nodes}x${o.length / 4096}`)).toEqual(host.ops.map((o) => `${o.policy.nodes.toList()}x${o.length / 4096n}`));
    expect(out.ops!.map((o) => `${o.policy.nodes}x${o.length / 4096}`)).toEqual(["0x1", "1x3", "0x1", "1x3"]);
  });

  test("a refused batch exits 1 with the engine's reason, rule and request", () => {
    const { status, out } = run(rt, { facts: MACHINE, requests: [
      { addr: "0x10000000", length: 4096, policy: { mode: "bind", nodes: "0" } },
      { addr: "0x10001000", length: 4096, policy: { mode: "default", nodes: "1" } }] });
    expect(status).toBe(1);
    expect(out.error).toMatchObject({ code: "EINVAL", reason: "E_RULE", rule: "V_DEFAULT_NODES", index: 1 });
    const overlap = run(rt, { facts: MACHINE, options: { overlap: "error" }, requests: [
      { addr: 0, length: 8192, policy: { mode: "local" } }, { addr: 4096, length: 4096, policy: { mode: "local" } }] });
    expect(overlap.status).toBe(1);
    expect(overlap.out.error).toMatchObject({ reason: "E_OVERLAP", index: 1, other: 0 });
  });

  test("bad input exits 2 and says where: JSON syntax, an unknown key, a nodestring", () => {
    const syntax = run(rt, '{"requests": [ {"addr": 0,, }]}');
    expect(syntax.status).toBe(2);
    expect(syntax.out.error).toMatchObject({ reason: "JSON", offset: 26, message: expect.stringMatching(/at byte 26: a string was expected/) });
    expect(run(rt, { requests: [], extra: 1 }).out.error).toMatchObject({ reason: "JSON", message: expect.stringMatching(/unknown top-level key/) });
    const nodes = run(rt, { facts: { ...MACHINE, allowed: "0,1,3" }, requests: [{ addr: 0, length: 4096, policy: { mode: "bind", nodes: "0,2" } }] });
    expect(nodes.status).toBe(2);
    expect(nodes.out.error).toMatchObject({ reason: "T_NOT_ALLOWED", field: "requests[0].policy.nodes", position: 2 });
  });
});

test("the README's stdin-to-stdout snippet works under Node and Deno, with a 2 MB input", () => {
  const snippet = join(import.meta.dirname, "fixtures", "wasi_stdin.mjs");
  const requests = Array.from({ length: 20_000 }, (_, i) => ({ addr: i * 8192, length: 4096, policy: { mode: "bind", nodes: [0], static: true } }));
  const input = JSON.stringify({ requests, options: { pageSize: 4096 }, padding: undefined });
  const env = { ...process.env, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" };
  const a = spawnSync(process.execPath, ["--no-warnings", snippet, wasm], { input, encoding: "utf8", env, maxBuffer: 1 << 26 });
  const b = spawnSync(deno, ["run", "--quiet", "--allow-read", snippet, wasm], { input, encoding: "utf8", env, maxBuffer: 1 << 26 });
  expect(a.status).toBe(0);
  expect(b.status).toBe(0);
  const out = JSON.parse(a.stdout) as Output;
  expect(out.stats).toMatchObject({ requests: 20_000, ops: 20_000 });
  expect(b.stdout).toBe(a.stdout);
});

test("node:wasi and Deno write byte-identical plans for a batch of 20,000 requests", () => {
  const requests = Array.from({ length: 20_000 }, (_, i) => ({
    addr: `0x${(BASE + ((i * 7919) % 20_000) * 4096).toString(16)}`, length: 4096,
    policy: i % 3 ? { mode: "bind", nodes: "0-1" } : { mode: "interleave", nodes: "+0-2" },
  }));
  const a = run("node", { facts: MACHINE, requests }), b = run("deno", { facts: MACHINE, requests });
  expect(a.status).toBe(0);
  expect(a.out.stats!.requests).toBe(20_000);
  expect(a.out.ops!.length).toBe(a.out.stats!.ops);
  expect(b.text).toBe(a.text);
});
