import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { bind, getPolicy, numabind, NumaError, topology } from "../../host/mod.ts";
import { runChild } from "../helpers/child.ts";
import { unmappedRange } from "../helpers/maps.ts";

// Kernel errors this host can produce for real, each with its typed NumaError and message.

const page = topology().pageSize;

describe("kernel errors, typed", () => {
  test("ENOMEM at vm.max_map_count: the message says the current map count and the limit (real, in a child)", () => {
    const limit = Number(readFileSync("/proc/sys/vm/max_map_count", "utf8"));
    const N = limit + 5000, S = 200;
    // At the limit the runtime itself cannot map memory, and V8 aborts the process when a GC
    // or a compile needs a page (seen in about half the runs). So the batch ends with S ops
    // that merge pre-split spare pages back (each -2 mappings): inside the same FFI call,
    // the process gets 2S mappings of headroom before any JavaScript runs again.
    const child = runChild(`
      const N = ${N}, S = ${S}, page = nb.topology().pageSize;
      const P = { mode: "bind", nodes: [0] }, Q = { mode: "preferred", nodes: [0] };
      const region = nb.alloc((N + 2 * S + 1) * page, { mode: "default" });
      const view = (i) => new Uint8Array(region, i * page, page);
      nb.bindBatch(Array.from({ length: 2 * S }, (_, j) => ({ target: view(N + 1 + j), policy: j & 1 ? Q : P })));
      const requests = Array.from({ length: N }, (_, i) => ({ target: view(i), policy: i & 1 ? Q : P }));
      for (let j = 1; j < 2 * S; j += 2) requests.push({ target: view(N + 1 + j), policy: P });
      const r = nb.bindBatch(requests, { continueOnError: true, maxMapCount: 0 });
      let e;
      // The merges left 2S mappings of headroom, which the kernel's own limit has; the VMA
      // budget keeps 1024 free and would refuse this bind whenever its count is fresh.
      try { nb.bind(view(N), { mode: "interleave", nodes: [0] }, undefined, { maxMapCount: 0 }); } catch (x) { e = { code: x.code, message: x.message }; }
      nb.bind(region, { mode: "default" }); // one call merges everything back
      report({ ok: r.ok, applied: r.applied, syscalls: r.syscalls, failed: r.failed.length,
        first: r.failed.slice(0, 1).map((f) => ({ code: f.code, errno: f.errno, index: f.index, message: f.message }))[0],
        lastIndex: r.failed.at(-1).index, single: e, after: nb.getPolicy(view(0)).mode });
    `, { timeoutMs: 120_000 });
    expect(child.stderr).toBe("");
    expect(child.status).toBe(0);
    const r = child.result as { ok: boolean; applied: number; syscalls: number; failed: number; lastIndex: number;
      first: { code: string; errno: number; index: number; message: string }; single?: unknown; after: string };
    expect(r.ok).toBe(false);
    expect(r.syscalls).toBe(N + S);
    expect(r.first).toMatchObject({ code: "ENOMEM", errno: 12 });
    expect(r.first.index).toBeGreaterThan(limit - 2000);
    expect(r.first.index).toBeLessThan(limit);
    // Every big-region op from the first failure on failed; every spare merge succeeded.
    expect(r.failed).toBe(N - r.first.index);
    expect(r.lastIndex).toBe(N - 1);
    expect(r.applied).toBe(r.first.index + S);
    const m = /the process has (\d+) mappings and vm.max_map_count is (\d+)/.exec(r.first.message);
    expect(m).not.toBeNull();
    expect(Number(m![2])).toBe(limit);
    expect(Number(m![1])).toBeGreaterThan(limit - 1024);
    expect(r.first.message).toMatch(/coalesce neighbouring ranges/);
    expect(r.single).toBeUndefined();
    expect(r.after).toBe("default");
  });

  test("EFAULT from getPolicy() of an unmapped address names the address", () => {
    const hole = unmappedRange(1);
    let err: unknown;
    try { getPolicy(hole.addr); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(NumaError);
    expect(err).toMatchObject({ code: "EFAULT", errno: 14, syscall: "get_mempolicy", range: { addr: hole.addr, length: 1n } });
    expect((err as Error).message).toMatch(new RegExp(`0x${hole.addr.toString(16)}.*not mapped`));
  });

  test("EFAULT from bind() over a range with a hole in the middle carries the op's range", () => {
    const b = numabind.backend, length = BigInt(3 * page);
    const r = b.mmap!(length, 1);
    if (typeof r === "number") throw new Error(`mmap: ${r}`);
    expect(b.munmap!(r.addr + BigInt(page), BigInt(page))).toBe(0);
    let err: unknown;
    try { bind({ addr: r.addr, length }, { mode: "interleave", nodes: [0] }, undefined, { unsafeRawAddress: true }); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(NumaError);
    expect(err).toMatchObject({ code: "EFAULT", syscall: "mbind", range: { addr: r.addr, length }, index: 0 });
    expect((err as Error).message).toMatch(/has a hole or lies outside any mapping/);
    b.munmap!(r.addr, length);
  });
});
