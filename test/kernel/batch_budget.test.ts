import { readFileSync } from "node:fs";
import { expect, test } from "vitest";
import { mapCount } from "../../host/core/system/mod.ts";
import { plan, topology } from "../../host/mod.ts";
import { distUrl, runChild } from "../helpers/child.ts";
import { runTraced } from "../helpers/strace.ts";

// The VMA budget at bind time: a batch that would pass vm.max_map_count (less the reserve kept
// for the runtime) is refused before any syscall, with the counts in the message.

const limit = Number(readFileSync("/proc/sys/vm/max_map_count", "utf8"));

test("strace: a batch that would cross vm.max_map_count is refused with the counts, and no mbind or get_mempolicy reaches the kernel", () => {
  const N = limit + 4000;
  const child = runTraced(`
    const page = nb.topology().pageSize, N = ${N};
    const region = nb.alloc(N * page, { mode: "default" });
    const requests = Array.from({ length: N }, (_, i) => ({ target: new Uint8Array(region, i * page, page), policy: i & 1 ? { mode: "local" } : { mode: "bind", nodes: [0] } }));
    const base = nb.numabind.backend.addressOf(new Uint8Array(region));
    process.kill(process.pid, 0);
    const errors = [];
    for (const opts of [{}, { atomic: true }, { skipUnchanged: true, onProgress: () => {} }]) {
      try { nb.bindBatch(requests, opts); errors.push(null); } catch (e) { errors.push({ code: e.code, syscall: e.syscall, message: e.message }); }
    }
    process.kill(process.pid, 0);
    report({ base, length: region.byteLength, errors });
  `, ["mbind", "get_mempolicy", "kill"], { timeoutMs: 120_000 });
  expect(child.stderr).toBe("");
  expect(child.status).toBe(0);
  const r = child.result as { base: string; length: number; errors: ({ code: string; syscall: string; message: string } | null)[] };
  expect(r.errors).toHaveLength(3);
  for (const e of r.errors) {
    expect(e).toMatchObject({ code: "ENOMEM", syscall: "validate" });
    const m = new RegExp(`the plan adds up to ${N + 1} mappings \\(VMAs\\) to the (\\d+) this process has, which passes vm\\.max_map_count = ${limit} less the 1024 mappings kept free for the runtime \\(mapReserve\\): (\\d+) \\+ ${N + 1} > ${limit - 1024}`).exec(e!.message);
    expect(m).not.toBeNull();
    expect(m![1]).toBe(m![2]);
    expect(Number(m![1])).toBeGreaterThan(20);
    expect(e!.message).toMatch(/nothing was bound/);
  }
  const between: string[] = [];
  let inside = false;
  for (const c of child.calls) {
    if (c.name === "kill" && c.args[1] === 0n) inside = !inside;
    else if (inside) between.push(c.name);
  }
  expect(between).toEqual([]);
});

test("plan() refuses a plan that fits under vm.max_map_count but not under the reserve, and mapReserve: 0 or maxMapCount: 0 lets it through", () => {
  const page = topology().pageSize;
  const count = mapCount()!;
  const ops = limit - count - 500; // within the 1024 kept for the runtime
  // Adjacent single pages with alternating policies: one mapping each, plus one.
  const requests = Array.from({ length: ops }, (_, i) => ({
    target: { addr: BigInt((1 << 30) + i * page), length: BigInt(page) },
    policy: i & 1 ? { mode: "local" as const } : { mode: "bind" as const, nodes: [0] },
  }));
  expect(() => plan(requests, { unsafeRawAddress: true })).toThrow(/less the 1024 mappings kept free for the runtime/);
  expect(plan(requests, { unsafeRawAddress: true, mapReserve: 0 }).stats.ops).toBe(ops);
  expect(plan(requests, { unsafeRawAddress: true, maxMapCount: 0 }).stats.ops).toBe(ops);
});

test("single bind() keeps to the VMA budget too: alternating binds are refused before the reserve is used up, and the process survives", () => {
  // Each bind of one page between pages of another policy adds a mapping. bind() replays a
  // learned op without planning, so without its own count it would walk up to the kernel's
  // ENOMEM (and Node, at the limit, often aborts).
  const N = limit + 2000;
  const child = runChild(`
    const page = nb.topology().pageSize, N = ${N};
    const region = nb.alloc(N * page, { mode: "default" });
    const A = { mode: "bind", nodes: [0] }, B = { mode: "local" };
    let bound = 0, error;
    try {
      for (; bound < N; bound += 2) nb.bind(new Uint8Array(region, bound * page, page), A);
    } catch (e) { error = { code: e.code, syscall: e.syscall, message: e.message }; }
    const { mapCount } = await import(${JSON.stringify(distUrl("host/core/system/proc_facts.js"))});
    const atRefusal = mapCount();
    nb.bind(region, B); // one call merges the region back
    report({ bound, error, atRefusal, after: mapCount() });
  `, { timeoutMs: 120_000 });
  expect(child.stderr).toBe("");
  expect(child.status).toBe(0);
  const r = child.result as { bound: number; error?: { code: string; syscall: string; message: string }; atRefusal: number; after: number };
  expect(r.error).toMatchObject({ code: "ENOMEM", syscall: "validate" });
  expect(r.error!.message).toMatch(/mapReserve/);
  expect(r.atRefusal).toBeLessThanOrEqual(limit - 1024 + 64);
  expect(r.atRefusal).toBeGreaterThan(limit - 1024 - 200);
  expect(r.after).toBeLessThan(1000);
});

test("bind() after a bindBatch that raised the map count is still held to the budget: refused with ENOMEM before the reserve, and the process survives", () => {
  // bind() replays learned ops; it must not count from a map count taken before the batch.
  const child = runChild(`
    const page = nb.topology().pageSize, limit = ${limit};
    const { mapCount } = await import(${JSON.stringify(distUrl("host/core/system/proc_facts.js"))});
    const A = { mode: "bind", nodes: [0] }, B = { mode: "local" };
    const small = nb.alloc(8 * page, { mode: "default" });
    for (let i = 0; i < 8; i += 2) nb.bind(new Uint8Array(small, i * page, page), A); // learned, replayed
    const N = 2 * Math.floor((limit - 1024 - mapCount() - 3000) / 2);
    const region = nb.alloc((N + 1) * page, { mode: "default" });
    const r = nb.bindBatch(Array.from({ length: N }, (_, i) => ({ target: new Uint8Array(region, i * page, page), policy: i & 1 ? B : A })));
    const afterBatch = mapCount();
    const spare = nb.alloc(20000 * page, { mode: "default" });
    let bound = 0, error;
    try {
      for (; bound < 20000; bound += 2) nb.bind(new Uint8Array(spare, bound * page, page), A);
    } catch (e) { error = { code: e.code, syscall: e.syscall, message: e.message }; }
    const atRefusal = mapCount();
    const js = new Array(2e6).fill(1).length; // the runtime can still allocate
    nb.bind(region, B); nb.bind(spare, B);
    report({ ok: r.ok, afterBatch, error, atRefusal, js, after: mapCount() });
  `, { timeoutMs: 120_000 });
  expect(child.stderr).toBe("");
  expect(child.status).toBe(0);
  const r = child.result as { ok: boolean; afterBatch: number; error?: { code: string; syscall: string; message: string }; atRefusal: number; js: number; after: number };
  expect(r.ok).toBe(true);
  expect(r.afterBatch).toBeGreaterThan(limit - 1024 - 3200);
  expect(r.error).toMatchObject({ code: "ENOMEM", syscall: "validate" });
  expect(r.atRefusal).toBeLessThanOrEqual(limit - 1024 + 64);
  expect(r.js).toBe(2e6);
  expect(r.after).toBeLessThan(1000);
});

test("alloc() is held to the same budget: refused with a typed ENOMEM before the reserve is spent, and the process survives", () => {
  // Adjacent mappings with different policies do not merge: each alloc() adds one.
  const child = runChild(`
    const { mapCount } = await import(${JSON.stringify(distUrl("host/core/system/proc_facts.js"))});
    const page = nb.topology().pageSize, limit = ${limit};
    const A = { mode: "bind", nodes: [0] }, B = { mode: "local" };
    // A batch takes the process to 2,000 mappings below the budget first.
    const N = 2 * Math.floor((limit - 1024 - mapCount() - 2000) / 2);
    const region = nb.alloc((N + 1) * page, { mode: "default" });
    nb.bindBatch(Array.from({ length: N }, (_, i) => ({ target: new Uint8Array(region, i * page, page), policy: i & 1 ? B : A })));
    const kept = [];
    let error;
    try {
      for (let i = 0; i < 4000; i++) kept.push(nb.alloc(page, i & 1 ? B : A));
    } catch (e) { error = { name: e.name, code: e.code, syscall: e.syscall, arg: e.arg, message: e.message }; }
    const atRefusal = mapCount();
    const js = new Array(2e6).fill(1).length;
    for (const b of kept) nb.free(b);
    nb.bind(region, B);
    report({ made: kept.length, error, atRefusal, js });
  `, { timeoutMs: 120_000 });
  expect(child.stderr).toBe("");
  expect(child.status).toBe(0);
  const r = child.result as { made: number; error?: { name: string; code: string; syscall: string; arg: string; message: string }; atRefusal: number; js: number };
  expect(r.error).toMatchObject({ name: "NumaError", code: "ENOMEM", syscall: "validate", arg: "bytes" });
  expect(r.error!.message).toMatch(new RegExp(`^Cannot alloc: it adds up to 1 mapping .* vm\\.max_map_count = ${limit} less the 1024 kept free for the runtime`));
  expect(r.atRefusal).toBeLessThanOrEqual(limit - 1024 + 64);
  expect(r.atRefusal).toBeGreaterThan(limit - 1024 - 200);
  expect(r.js).toBe(2e6);
});
