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
