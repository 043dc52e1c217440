import { describe, expect, test } from "vitest";
import {
  alloc, bindBatch, free, getPolicy, type Policy, type RangeBatch, topology, verify,
} from "../../host/mod.ts";
import { addressOf } from "../helpers/maps.ts";
import { runTraced } from "../helpers/strace.ts";

// bindBatch() with the column form, against the real kernel.

const page = topology().pageSize;
const POLICIES: Policy[] = [{ mode: "bind", nodes: [0] }, { mode: "interleave", nodes: [0] }, { mode: "preferred", nodes: [0] }];

describe("bindBatch(RangeBatch)", () => {
  test("binds each range to its policy: get_mempolicy per page and verify() agree", () => {
    const buf = alloc(64 * page, { mode: "default" });
    const n = 60, base = addressOf(new Uint8Array(buf));
    const batch: RangeBatch = {
      target: buf, policies: POLICIES,
      offsets: Float64Array.from({ length: n }, (_, i) => i * page), lengths: new Float64Array(n).fill(page),
      policyIndex: Uint8Array.from({ length: n }, (_, i) => Math.floor(i / 4) % 3),
    };
    const r = bindBatch(batch);
    expect(r).toMatchObject({ ok: true, ops: 15, syscalls: 15, applied: 15 });
    for (let i = 0; i < n; i++) {
      expect(getPolicy(base + BigInt(i * page)).mode).toBe(POLICIES[Math.floor(i / 4) % 3]!.mode);
    }
    expect(getPolicy(base + BigInt(n * page)).mode).toBe("default");
    new Uint8Array(buf).fill(1);
    expect(verify(r)).toMatchObject({ ok: true, ops: 15, mismatches: [] });
    free(buf);
  });

  test("a range outside the target refuses the whole batch before any mbind (strace-counted)", () => {
    const child = runTraced(`
      const page = nb.topology().pageSize, buf = nb.alloc(8 * page, { mode: "default" });
      const lo = nb.numabind.backend.addressOf(new Uint8Array(buf));
      process.kill(process.pid, 0); // marks the start of the batch in the trace
      let arg = "";
      try { nb.bindBatch({ target: buf, offsets: [0, 7 * page], lengths: [page, 2 * page], policies: [{ mode: "bind", nodes: [0] }], policyIndex: [0, 0] }); }
      catch (e) { arg = e.arg; }
      process.kill(process.pid, 0);
      report({ arg, first: nb.getPolicy(new Uint8Array(buf, 0, page)).mode, lo, hi: lo + BigInt(8 * page) });
    `, ["mbind", "kill"]);
    expect(child.stderr).toBe("");
    const r = child.result as { arg: string; first: string; lo: string; hi: string };
    expect(r).toMatchObject({ arg: "requests.lengths[1]", first: "default" });
    const marks = child.calls.map((c, i) => (c.name === "kill" && c.args[1] === 0n ? i : -1)).filter((i) => i >= 0);
    expect(marks).toHaveLength(2);
    const during = child.calls.slice(marks[0]!, marks[1]!).filter((c) => c.name === "mbind" && c.args[0]! >= BigInt(r.lo) && c.args[0]! < BigInt(r.hi));
    expect(during).toHaveLength(0);
    // The trace does see this buffer's mbinds: alloc's, before the first mark.
    expect(child.calls.slice(0, marks[0]!).some((c) => c.name === "mbind" && c.args[0] === BigInt(r.lo))).toBe(true);
  });
});
