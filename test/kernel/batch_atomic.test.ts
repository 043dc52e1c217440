import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import {
  bindBatch, type BindRequest, getPolicy, numabind, type Policy, topology, verify,
} from "../../host/mod.ts";
import { runChild } from "../helpers/child.ts";

// Atomic batches against the real kernel: a failure mid-batch leaves every page with its
// pre-batch policy, read back page by page with getPolicy (get_mempolicy MPOL_F_ADDR).

const page = topology().pageSize;
const b = numabind.backend;

/** A raw region of `pages` pages (its own mapping), with priors bound run by run. */
function region(pages: number): bigint {
  const r = b.mmap!(BigInt(pages * page), 1);
  if (typeof r === "number") throw new Error(`mmap: ${r}`);
  return r.addr;
}
const raw = (base: bigint, first: number, n = 1) => ({ addr: base + BigInt(first * page), length: BigInt(n * page) });
const policyAt = (base: bigint, i: number) => JSON.stringify(getPolicy(base + BigInt(i * page)));

/** Eight runs of eight pages with different priors: static and relative flags, balancing, every mode. */
const PRIORS: Policy[] = [
  { mode: "bind", nodes: [0], static: true }, { mode: "interleave", nodes: [0, 3], relative: true },
  { mode: "preferred", nodes: [0] }, { mode: "local" }, { mode: "default" },
  { mode: "weighted-interleave", nodes: [0] }, { mode: "bind", nodes: [0], balancing: true },
  { mode: "interleave", nodes: [0], static: true },
];

describe("atomic bindBatch(): rollback after a mid-batch EFAULT", () => {
  test("every page gets its exact pre-batch policy back, checked page by page with getPolicy", () => {
    const base = region(64);
    const prior = bindBatch(PRIORS.map((p, j) => ({ target: raw(base, 8 * j, 8), policy: p })), { unsafeRawAddress: true });
    expect(prior.ok).toBe(true);
    expect(b.munmap!(base + BigInt(50 * page), BigInt(page))).toBe(0); // the hole, inside run 6
    const before = Array.from({ length: 64 }, (_, i) => (i === 50 ? "" : policyAt(base, i)));
    expect(new Set(before).size).toBe(9); // eight priors and the hole: really heterogeneous

    // Pages 0-47 one by one with alternating policies (48 ops, applied first: ops run in
    // address order), then one request over pages 48-55 (the hole), then 56-63.
    const A: Policy = { mode: "interleave", nodes: [0] }, B: Policy = { mode: "bind", nodes: [0] };
    const requests: BindRequest[] = [];
    for (let i = 63; i >= 56; i--) requests.push({ target: raw(base, i), policy: i & 1 ? A : B });
    requests.push({ target: raw(base, 48, 8), policy: { mode: "preferred-many", nodes: [0] } });
    for (let i = 0; i < 48; i++) requests.push({ target: raw(base, i), policy: i & 1 ? A : B });
    const holeRequest = 8;

    const r = bindBatch(requests, { unsafeRawAddress: true, atomic: true });
    expect(r).toMatchObject({ ok: false, rolledBack: true, restoreFailed: [], applied: 48, syscalls: 49, ops: 57 });
    expect(r.failed).toHaveLength(1);
    expect(r.failed[0]).toMatchObject({
      code: "EFAULT", errno: 14, index: holeRequest, requests: [holeRequest], opIndex: 48,
      range: { addr: base + BigInt(48 * page), length: BigInt(8 * page) }, at: base + BigInt(50 * page),
    });
    expect(r.failed[0]!.message).toMatch(/^Cannot bind requests\[8\]: mbind 0x[0-9a-f]+\+32768 failed with EFAULT at 0x[0-9a-f]+: .*hole.*; the batch was rolled back/);
    // Runs 0-5 became 48 single-page mappings and merged back: a handful of restore calls.
    expect(r.restoreSyscalls).toBeGreaterThan(0);
    expect(r.restoreSyscalls).toBeLessThanOrEqual(9);

    const after = Array.from({ length: 64 }, (_, i) => (i === 50 ? "" : policyAt(base, i)));
    expect(after).toEqual(before);
    // verify() of a rolled-back result checks the restored priors.
    const v = verify(r);
    expect(v.mismatches).toEqual([]);
    expect(v.ranges).toBeGreaterThanOrEqual(49);
    b.munmap!(base, BigInt(64 * page));
  });

  test("atomic and continueOnError exclude each other, refused before any syscall", () => {
    const base = region(2);
    expect(() => bindBatch([{ target: raw(base, 0), policy: { mode: "bind", nodes: [0] } }], { unsafeRawAddress: true, atomic: true, continueOnError: true }))
      .toThrow(/atomic and continueOnError exclude each other/);
    expect(getPolicy(base).mode).toBe("default");
    expect(() => bindBatch([], { atomic: "yes" as never })).toThrow(/opts.atomic: it must be a boolean/);
    b.munmap!(base, BigInt(2 * page));
  });

  test("onProgress throwing in an atomic batch rolls back what was applied, then the error goes on", () => {
    const base = region(2000);
    const A: Policy = { mode: "interleave", nodes: [0] }, B: Policy = { mode: "bind", nodes: [0], static: true };
    const requests = Array.from({ length: 2000 }, (_, i) => ({ target: raw(base, i), policy: i & 1 ? A : B }));
    const boom = new Error("stop here");
    expect(() => bindBatch(requests, { unsafeRawAddress: true, atomic: true, progressIntervalMs: 0, onProgress: () => { throw boom; } })).toThrow(boom);
    for (let i = 0; i < 2000; i += 97) expect(getPolicy(base + BigInt(i * page)).mode).toBe("default");
    b.munmap!(base, BigInt(2000 * page));
  });

  test("a restore that fails is reported loudly: rolledBack false, restoreFailed with range and errno, ROLLBACK INCOMPLETE in the message", () => {
    // onProgress unmaps an applied page whose prior policy is its own, so restoring it fails for
    // real (EFAULT: no mapping left); the batch fails later on a hole.
    const base = region(600);
    expect(bindBatch([{ target: raw(base, 10), policy: { mode: "interleave", nodes: [0], static: true } }], { unsafeRawAddress: true }).ok).toBe(true);
    expect(b.munmap!(base + BigInt(550 * page), BigInt(page))).toBe(0);
    const A: Policy = { mode: "preferred", nodes: [0] }, B: Policy = { mode: "bind", nodes: [0] };
    const requests = Array.from({ length: 600 }, (_, i) => ({ target: raw(base, i), policy: i & 1 ? A : B }));
    let unmapped = false;
    const r = bindBatch(requests, {
      unsafeRawAddress: true, atomic: true, progressIntervalMs: 0,
      onProgress: (done) => { if (!unmapped && done > 10) unmapped = b.munmap!(base + BigInt(10 * page), BigInt(page)) === 0; },
    });
    expect(unmapped).toBe(true);
    expect(r).toMatchObject({ ok: false, rolledBack: false });
    expect(r.failed[0]).toMatchObject({ code: "EFAULT", index: 550 });
    expect(r.restoreFailed).toEqual([{
      range: { addr: base + BigInt(10 * page), length: BigInt(page) }, expected: "interleave=static:0",
      actual: "unreadable: get_mempolicy failed with EFAULT", code: "EFAULT", errno: 14,
    }]);
    expect(r.failed[0]!.message).toMatch(/ROLLBACK INCOMPLETE: 1 range\(s\) could not be restored to their prior policy: 0x[0-9a-f]+\+4096 \(was interleave=static:0, now unreadable/);
    // Everything else is back to its prior policy.
    for (let i = 0; i < 600; i++) if (i !== 10 && i !== 550) expect(getPolicy(base + BigInt(i * page)).mode).toBe("default");
    b.munmap!(base, BigInt(600 * page));
  });
});

describe("atomic bindBatch(): rollback after a real ENOMEM at vm.max_map_count", () => {
  test("in a child brought near the limit: the batch fails with ENOMEM, every page gets its prior policy back, the child lives on", () => {
    const limit = Number(readFileSync("/proc/sys/vm/max_map_count", "utf8"));
    // The filler leaves H mappings below the limit; the batch needs ~M, so it crosses.
    const H = 1500, M = 3000;
    const child = runChild(`
      const { readFileSync } = await import("node:fs");
      const page = nb.topology().pageSize, limit = ${limit}, H = ${H}, M = ${M};
      const maps = () => readFileSync("/proc/self/maps", "utf8").split("\\n").length - 2;
      const F = limit - H - maps();
      const filler = nb.alloc(F * page, { mode: "default" });
      const A = { mode: "bind", nodes: [0] }, B = { mode: "preferred", nodes: [0] };
      const fill = nb.bindBatch(Array.from({ length: F }, (_, i) => ({ target: new Uint8Array(filler, i * page, page), policy: i & 1 ? B : A })), { maxMapCount: 0 });
      const T = nb.alloc(M * page, { mode: "default" });
      const tv = (i, n = 1) => new Uint8Array(T, i * page, n * page);
      const priors = [
        { mode: "bind", nodes: [0], static: true }, { mode: "interleave", nodes: [0, 3], relative: true },
        { mode: "preferred", nodes: [0] }, { mode: "local" }, { mode: "default" }, { mode: "interleave", nodes: [0] },
      ];
      nb.bindBatch(priors.map((p, j) => ({ target: tv(j * 500, 500), policy: p })), { maxMapCount: 0 });
      const pol = (i) => JSON.stringify(nb.getPolicy(tv(i)));
      const before = Array.from({ length: M }, (_, i) => pol(i));
      const nearLimit = maps();
      const C = { mode: "interleave", nodes: [0] }, D = { mode: "bind", nodes: [0] };
      const r = nb.bindBatch(Array.from({ length: M }, (_, i) => ({ target: tv(i), policy: i & 1 ? C : D })), { atomic: true, maxMapCount: 0 });
      const afterRollback = maps();
      const after = Array.from({ length: M }, (_, i) => pol(i));
      const v = nb.verify(r, { pages: false });
      nb.bind(filler, { mode: "default" }); // one call merges the filler back
      report({ fill: fill.ok, distinct: new Set(before).size, nearLimit, afterRollback, end: maps(),
        ok: r.ok, rolledBack: r.rolledBack, restoreFailed: r.restoreFailed, applied: r.applied, syscalls: r.syscalls,
        restoreSyscalls: r.restoreSyscalls, failed: r.failed.map((f) => ({ code: f.code, index: f.index, requests: f.requests, message: f.message })),
        changed: after.filter((x, i) => x !== before[i]).length, verified: v.mismatches.length, verifiedRanges: v.ranges });
    `, { timeoutMs: 120_000 });
    expect(child.stderr).toBe("");
    expect(child.signal).toBeNull();
    expect(child.status).toBe(0);
    const r = child.result as {
      fill: boolean; distinct: number; nearLimit: number; afterRollback: number; end: number; ok: boolean; rolledBack: boolean;
      restoreFailed: unknown[]; applied: number; syscalls: number; restoreSyscalls: number; changed: number; verified: number;
      verifiedRanges: number; failed: { code: string; index: number; requests: number[]; message: string }[];
    };
    expect(r.fill).toBe(true);
    expect(r.distinct).toBe(6);
    expect(r.nearLimit).toBeGreaterThan(limit - H - 100);
    expect(r).toMatchObject({ ok: false, rolledBack: true, restoreFailed: [], changed: 0, verified: 0 });
    expect(r.failed).toHaveLength(1);
    // Single-page requests: the failing op is request `applied`, the first the kernel refused.
    expect(r.failed[0]).toMatchObject({ code: "ENOMEM", index: r.applied, requests: [r.applied] });
    expect(r.applied).toBeGreaterThan(H / 2 - 100);
    expect(r.applied).toBeLessThan(M);
    expect(r.syscalls).toBe(r.applied + 1);
    expect(r.failed[0]!.message).toMatch(new RegExp(`at vm.max_map_count = ${limit}: .*the kernel refused after ${r.applied} of ${M} ops.*; the batch was rolled back`));
    // The restore merged the split mappings back (the priors are runs: a few calls).
    expect(r.restoreSyscalls).toBeLessThanOrEqual(6);
    // Without the merge the count would be ~nearLimit + applied; the runtime adds a few of its own.
    expect(r.afterRollback).toBeLessThan(r.nearLimit + 100);
    expect(r.verifiedRanges).toBeGreaterThan(r.applied);
    expect(r.end).toBeLessThan(limit / 2);
  });
});
