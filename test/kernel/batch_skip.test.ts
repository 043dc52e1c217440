import { describe, expect, test } from "vitest";
import {
  alloc, bind, bindBatch, type BindRequest, free, getPolicy, type Policy, topology, verify,
} from "../../host/mod.ts";
import { firstPageOffset } from "../helpers/maps.ts";
import { runTraced } from "../helpers/strace.ts";

// skipUnchanged: ops whose range already has exactly the op's policy issue no mbind.

const page = topology().pageSize;
const POLICIES: Policy[] = [
  { mode: "bind", nodes: [0] }, { mode: "bind", nodes: [0, 5], relative: true }, { mode: "bind", nodes: [0], static: true },
  { mode: "interleave", nodes: [3], relative: true }, { mode: "preferred", nodes: [0] }, { mode: "preferred" },
  { mode: "local" }, { mode: "default" }, { mode: "weighted-interleave", nodes: [0] }, { mode: "preferred-many", nodes: [0] },
  { mode: "bind", nodes: [0], balancing: true },
];

function requests(ab: ArrayBuffer, n: number, flags?: BindRequest["flags"]): BindRequest[] {
  const skew = firstPageOffset(ab, page);
  return Array.from({ length: n }, (_, i) => ({
    target: new Uint8Array(ab, skew + i * page, page), policy: POLICIES[Math.floor(i / 3) % POLICIES.length]!, ...(flags ? { flags } : {}),
  }));
}

describe("bindBatch({ skipUnchanged })", () => {
  test("re-applying a batch already in force issues no mbind; every mode and mode flag compares in the kernel's form", () => {
    const ab = new ArrayBuffer(302 * page);
    const reqs = requests(ab, 300);
    const first = bindBatch(reqs, { skipUnchanged: true });
    // The fresh buffer has no policy, so the "default" ops were in force already.
    // Ops are the 100 runs of 3 pages; run k has POLICIES[k % 11], and POLICIES[7] is default.
    const defaults = Array.from({ length: 100 }, (_, k) => k % POLICIES.length).filter((p) => p === 7).length;
    expect(first.ops).toBe(100);
    expect(first).toMatchObject({ ok: true, skipped: defaults, syscalls: first.ops - defaults });
    const again = bindBatch(reqs, { skipUnchanged: true });
    expect(again).toMatchObject({ ok: true, skipped: first.ops, syscalls: 0, applied: 0 });
    expect(verify(again).mismatches).toEqual([]);
  });

  test("only the ops whose range changed are issued again", () => {
    const ab = new ArrayBuffer(302 * page);
    const reqs = requests(ab, 300);
    const first = bindBatch(reqs);
    // Change one page inside op 4 (requests 12-14) behind the batch's back.
    bind(reqs[13]!.target, { mode: "interleave", nodes: [0] });
    const again = bindBatch(reqs, { skipUnchanged: true });
    expect(again).toMatchObject({ ok: true, syscalls: 1, skipped: first.ops - 1 });
    expect(getPolicy(reqs[13]!.target).mode).toBe(POLICIES[4]!.mode);
  });

  test("ops with move or strict are never skipped: their pages may still be misplaced", () => {
    // Untouched pages (alloc), so strict has nothing to refuse.
    const ab = alloc(62 * page, { mode: "default" });
    for (const flags of [{ move: true }, { strict: true }, { strict: true, move: true }]) {
      const reqs = requests(ab, 60, flags);
      const first = bindBatch(reqs);
      expect(first.ok).toBe(true);
      const again = bindBatch(reqs, { skipUnchanged: true });
      expect(again).toMatchObject({ ok: true, skipped: 0, syscalls: first.ops });
    }
    free(ab);
  });

  test("strace: the second application of the same batch issues 0 mbind syscalls (and without skipUnchanged, one per op)", () => {
    const child = runTraced(`
      const page = nb.topology().pageSize;
      const ab = new ArrayBuffer(402 * page);
      const base = nb.numabind.backend.addressOf(new Uint8Array(ab));
      const skew = Number((BigInt(page) - base % BigInt(page)) % BigInt(page));
      const P = [{ mode: "bind", nodes: [0] }, { mode: "interleave", nodes: [0], static: true }, { mode: "local" },
        { mode: "preferred", nodes: [0] }, { mode: "interleave", nodes: [2], relative: true }, { mode: "default" }];
      const reqs = Array.from({ length: 400 }, (_, i) => ({ target: new Uint8Array(ab, skew + i * page, page), policy: P[Math.floor(i / 5) % P.length] }));
      const mark = () => process.kill(process.pid, 0);
      const first = nb.bindBatch(reqs);
      mark();
      const skipped = nb.bindBatch(reqs, { skipUnchanged: true });
      mark();
      const plain = nb.bindBatch(reqs);
      mark();
      report({ base, length: ab.byteLength, ops: first.ops, skipped: skipped.skipped, syscalls: skipped.syscalls, plain: plain.syscalls });
    `, ["mbind", "kill"]);
    expect(child.stderr).toBe("");
    expect(child.status).toBe(0);
    const r = child.result as { base: string; length: number; ops: number; skipped: number; syscalls: number; plain: number };
    const lo = BigInt(r.base), hi = lo + BigInt(r.length);
    // Split the trace at the markers: kill(pid, 0).
    const phases: number[] = [0];
    for (const c of child.calls) {
      if (c.name === "kill" && c.args[1] === 0n) phases.push(0);
      else if (c.name === "mbind" && c.args[0]! >= lo && c.args[0]! < hi) phases[phases.length - 1]!++;
    }
    expect(r.ops).toBe(80);
    expect(r).toMatchObject({ skipped: 80, syscalls: 0, plain: 80 });
    expect(phases).toEqual([80, 0, 80, 0]);
  });
});
