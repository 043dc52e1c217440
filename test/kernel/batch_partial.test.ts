import { describe, expect, test } from "vitest";
import { failureError } from "../../host/core/failures/mod.ts";
import {
  bindBatch, type BindRequest, getPolicy, numabind, NumaError, type Policy, topology, verify,
} from "../../host/mod.ts";

// Non-atomic batches report exactly what happened: applied count, and per failure the request
// whose range holds the failing part, every request the op covers, the op's range, errno, code.

const page = topology().pageSize;
const b = numabind.backend;

function layout() {
  const r = b.mmap!(BigInt(40 * page), 1);
  if (typeof r === "number") throw new Error(`mmap: ${r}`);
  const base = r.addr;
  for (const hole of [12, 30]) expect(b.munmap!(base + BigInt(hole * page), BigInt(page))).toBe(0);
  const at = (first: number, n = 1) => ({ addr: base + BigInt(first * page), length: BigInt(n * page) });
  const bind: Policy = { mode: "bind", nodes: [0] }, il: Policy = { mode: "interleave", nodes: [0] };
  const requests: BindRequest[] = [
    { target: at(0, 4), policy: bind },                       // 0 ┐ one op, pages 0-7
    { target: at(4, 4), policy: bind },                       // 1 ┘
    { target: at(10, 2), policy: il },                        // 2 ┐
    { target: at(12), policy: il },                           // 3 │ one op, pages 10-15, hole at 12
    { target: at(13, 3), policy: il },                        // 4 ┘
    { target: at(20, 6), policy: { mode: "preferred", nodes: [0] } }, // 5: split by 7 into two ops
    { target: at(28, 6), policy: { mode: "local" } },         // 6: pages 28-33, hole at 30
    { target: at(22, 2), policy: bind },                      // 7: last-wins over 5
  ];
  return { base, at, requests };
}
const addr = (base: bigint, i: number) => base + BigInt(i * page);

describe("bindBatch() partial results", () => {
  test("stopping at the first failure: applied, syscalls, and the failure's request, requests, range, at, errno and code", () => {
    const { base, requests } = layout();
    const r = bindBatch(requests, { unsafeRawAddress: true });
    expect(r).toMatchObject({ ok: false, applied: 1, syscalls: 2, ops: 6, skipped: 0, rolledBack: false, restoreFailed: [] });
    expect(r.failed).toHaveLength(1);
    expect(r.failed[0]).toMatchObject({
      index: 3, requests: [2, 3, 4], opIndex: 1, code: "EFAULT", errno: 14,
      range: { addr: addr(base, 10), length: BigInt(6 * page) }, at: addr(base, 12),
    });
    expect(r.failed[0]!.op).toMatchObject({ addr: addr(base, 10), length: BigInt(6 * page), request: 2 });
    expect(r.failed[0]!.message).toMatch(/^Cannot bind requests\[3\]: mbind 0x[0-9a-f]+\+24576 failed with EFAULT at 0x[0-9a-f]+ \(op 1 covers requests 2-4\): /);
    expect(getPolicy(addr(base, 0)).mode).toBe("bind");
    expect(getPolicy(addr(base, 10)).mode).toBe("default"); // EFAULT changes nothing
    expect(getPolicy(addr(base, 20)).mode).toBe("default"); // never attempted
    const e = failureError(r.failed[0]!);
    expect(e).toBeInstanceOf(NumaError);
    expect(e).toMatchObject({ code: "EFAULT", index: 3, arg: "requests[3].target", range: { addr: addr(base, 10), length: BigInt(6 * page) } });
    b.munmap!(base, BigInt(40 * page));
  });

  test("continueOnError applies the rest and reports every failure exactly, last-wins requests included", () => {
    const { base, requests } = layout();
    const r = bindBatch(requests, { unsafeRawAddress: true, continueOnError: true });
    expect(r).toMatchObject({ ok: false, applied: 4, syscalls: 6, ops: 6 });
    expect(r.failed.map((f) => ({ index: f.index, requests: f.requests, opIndex: f.opIndex, code: f.code, at: f.at, addr: f.range.addr, length: f.range.length }))).toEqual([
      { index: 3, requests: [2, 3, 4], opIndex: 1, code: "EFAULT", at: addr(base, 12), addr: addr(base, 10), length: BigInt(6 * page) },
      { index: 6, requests: [6], opIndex: 5, code: "EFAULT", at: addr(base, 30), addr: addr(base, 28), length: BigInt(6 * page) },
    ]);
    // Request 7 won pages 22-23 over request 5, and the ops around it applied.
    expect([20, 22, 24].map((i) => getPolicy(addr(base, i)).mode)).toEqual(["preferred", "bind", "preferred"]);
    // verify() checks the four ops that took effect, not the two that failed over holes.
    const v = verify(r, { pages: false });
    expect(v).toMatchObject({ ok: true, ops: 4, mismatches: [] });
    b.munmap!(base, BigInt(40 * page));
  });
});
