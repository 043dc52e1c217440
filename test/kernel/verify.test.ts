import { describe, expect, test } from "vitest";
import { createContext } from "../../host/core/context.ts";
import { verifyPlacement } from "../../host/core/verify/mod.ts";
import {
  alloc, type Backend, bind, bindBatch, type BindRequest, free, numabind, plan, type Policy,
  setThreadPolicy, topology, verify,
} from "../../host/mod.ts";

// verify() compares a plan or a result with get_mempolicy, numa_maps and page locations.

const page = topology().pageSize;
const POLICIES: Policy[] = [
  { mode: "bind", nodes: [0] }, { mode: "interleave", nodes: [0], static: true }, { mode: "preferred", nodes: [0] },
  { mode: "local" }, { mode: "default" }, { mode: "weighted-interleave", nodes: [0] }, { mode: "interleave", nodes: [2], relative: true },
];

function batch(buf: ArrayBuffer, runs: number, runPages = 4): BindRequest[] {
  return Array.from({ length: runs }, (_, k) => ({ target: new Uint8Array(buf, k * runPages * page, runPages * page), policy: POLICIES[k % POLICIES.length]! }));
}

describe("verify()", () => {
  test("verify() of a batch in force finds nothing: policies, numa_maps text and touched pages all agree", () => {
    const buf = alloc(28 * page, { mode: "default" });
    const reqs = batch(buf, 7);
    const r = bindBatch(reqs);
    new Uint8Array(buf).fill(1); // touch every page, so placement is checked
    const v = verify(r);
    expect(v).toMatchObject({ ok: true, ops: 7, ranges: 7, mismatches: [] });
    // bind, interleave (static), weighted interleave and interleave (relative) confine pages: 4 runs of 4.
    expect(v.pages).toBe(16);
    expect(verify(plan(reqs))).toMatchObject({ ok: true, ops: 7, ranges: 7 });
    expect(verify(plan(reqs).ops, { pages: false, numaMaps: false })).toMatchObject({ ok: true, pages: 0 });
    free(buf);
  });

  test("verify() names each mismatch: kind, op, exact range, expected and actual", () => {
    const buf = alloc(28 * page, { mode: "default" });
    const r = bindBatch(batch(buf, 7));
    // Op 2 (preferred, pages 8-11): pages 9-10 changed behind its back.
    bind(new Uint8Array(buf, 9 * page, 2 * page), { mode: "bind", nodes: [0] });
    const base = numabind.backend.addressOf(new Uint8Array(buf));
    const v = verify(r);
    expect(v.ok).toBe(false);
    const range = { addr: base + BigInt(9 * page), length: BigInt(2 * page) };
    expect(v.mismatches).toEqual([
      { kind: "policy", op: 2, range, expected: "preferred:0", actual: "bind:0" },
      { kind: "numa_maps", op: 2, range, expected: "prefer:0", actual: "bind:0" },
    ]);
    free(buf);
  });

  test("verify() reports a range that is no longer mapped", () => {
    const r0 = numabind.backend.mmap!(BigInt(8 * page), 1);
    if (typeof r0 === "number") throw new Error("mmap");
    const target = { addr: r0.addr, length: BigInt(8 * page) };
    const r = bindBatch([{ target, policy: { mode: "bind", nodes: [0] } }], { unsafeRawAddress: true });
    numabind.backend.munmap!(r0.addr + BigInt(6 * page), BigInt(2 * page));
    expect(verify(r).mismatches).toEqual([
      { kind: "unmapped", op: 0, range: { addr: r0.addr + BigInt(6 * page), length: BigInt(2 * page) }, expected: "bind:0", actual: "no mapping" },
    ]);
    numabind.backend.munmap!(r0.addr, BigInt(6 * page));
  });

  test("verify() reads numa_maps with this thread's policy, which a mapping without one prints", () => {
    const buf = alloc(8 * page, { mode: "default" });
    const r = bindBatch([{ target: buf, policy: { mode: "default" } }]);
    setThreadPolicy({ mode: "bind", nodes: [0] });
    try {
      expect(verify(r).mismatches).toEqual([]);
    } finally {
      setThreadPolicy({ mode: "default" });
    }
    free(buf);
  });

  test("verify() reports touched pages on a node the policy does not allow (backend stub for move_pages: this host has one node, so no page can sit on a wrong one)", () => {
    const real = numabind.backend;
    const liar: Backend = {
      ...real,
      movePages(pid, count, pages, nodes, status, flags, chunk) {
        const r = real.movePages!(pid, count, pages, nodes, status, flags, chunk);
        const s = new Int32Array(status.buffer, status.byteOffset, count);
        for (let i = 0; i < count; i++) if (s[i] === 0 && i % 3 === 1) s[i] = 1; // every third page "on node 1"
        return r;
      },
    };
    const ctx = createContext(liar);
    const buf = alloc(12 * page, { mode: "default" });
    const r = bindBatch([
      { target: new Uint8Array(buf, 0, 6 * page), policy: { mode: "bind", nodes: [0] } },
      { target: new Uint8Array(buf, 6 * page, 6 * page), policy: { mode: "preferred", nodes: [0] } },
    ]);
    new Uint8Array(buf).fill(1);
    const base = real.addressOf(new Uint8Array(buf));
    const v = verifyPlacement(ctx, r);
    // Pages 1 and 4 of the bind op; the preferred op allows any node.
    expect(v.mismatches).toEqual([
      { kind: "placement", op: 0, range: { addr: base + BigInt(page), length: BigInt(4 * page) }, expected: "nodes 0", actual: "node 1", pages: 2 },
    ]);
    free(buf);
  });

  test("verify() refuses what is not a plan or a result", () => {
    expect(() => verify(42 as never)).toThrow(/Cannot verify: pass what plan\(\) or bindBatch\(\) returned/);
    expect(() => verify({} as never)).toThrow(TypeError);
  });
});
