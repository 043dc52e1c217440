import fc from "fast-check";
import { describe, expect, test } from "vitest";
import * as abi from "../../../assembly/abi.ts";
import {
  attachKeptOps, type BatchResult, digestOps, expectationsOf, forEachDigestOp, keepOps,
} from "../../../host/core/batch/mod.ts";
import { Engine } from "../../../host/core/engine/mod.ts";
import type { EnginePlan } from "../../../host/core/plan/mod.ts";
import { opAddr, opAt, opLen, opMask, opMode, writeOp } from "../../../host/core/records/mod.ts";
import { anyRawBatch } from "../../engine/helpers/arbitraries.ts";
import { rawPlan } from "../../engine/helpers/raw_plan.ts";

const e = new Engine();

/** The engine's last plan, as much of an EnginePlan as the digest reads. */
const lastPlan = (): EnginePlan => ({
  engine: e, count: e.x.plan_op_count(), opsAt: e.x.plan_ops(), masksAt: e.x.plan_masks(), maskWords: 1,
} as EnginePlan);

/** The last plan's ops as the records hold them. */
function recordOps(p: EnginePlan): [number, number, number, number][] {
  const u32 = e.u32();
  return Array.from({ length: p.count }, (_, k) => {
    const o = opAt(k, p.opsAt >>> 2);
    return [opAddr(u32, o), opAddr(u32, o) + opLen(u32, o), opMode(u32, o), opMask(u32, o)];
  });
}

/** The same, read back from a digest. */
function digestedOps(p: EnginePlan): [number, number, number, number][] | undefined {
  const d = digestOps(p);
  if (!d) return undefined;
  const out: [number, number, number, number][] = [];
  forEachDigestOp(d, (k, addr, end, mode, mask) => { expect(k).toBe(out.length); out.push([addr, end, mode, mask]); });
  return out;
}

describe("op digest: what verify() keeps of a plan", () => {
  test("reads back every op's range, mode and mask exactly, with and without gaps (fast-check, 3,000 runs)", () => {
    let gaps = 0;
    fc.assert(fc.property(anyRawBatch, ([reqs, s]) => {
      if (rawPlan(e, reqs, { ...s, overlapError: false }).code !== abi.OK) return;
      const p = lastPlan();
      if (p.count === 0) return;
      const d = digestOps(p)!;
      if (d.gaps) gaps++;
      expect(digestedOps(p)).toEqual(recordOps(p));
    }), { numRuns: 3000 });
    expect(gaps).toBeGreaterThan(100);
  });

  test("is refused for ops it cannot hold, so that the records are kept instead", () => {
    const write = (ops: [number, number, number, number][]): EnginePlan => {
      // A plan of one request gives an op table to overwrite with the ops under test.
      const reqs = ops.map((_, i) => ({ addr: 0x10000000 + i * 0x100000, len: 4096, mode: abi.MPOL_BIND, flags: 0, nodes: [0], buffer: false }));
      expect(rawPlan(e, reqs, { pageSize: 4096, usable: [0] }).code).toBe(abi.OK);
      const p = lastPlan(), u32 = e.u32();
      ops.forEach(([addr, len, mode, mask], k) => writeOp(u32, opAt(k, p.opsAt >>> 2), addr, len, mode, 0, mask, k));
      return p;
    };
    const ok = write([[0x10000000, 4096, 2, 0], [0x10002000, 8192, 1, abi.NO_MASK]]);
    expect(digestedOps(ok)).toEqual([[0x10000000, 0x10001000, 2, 0], [0x10002000, 0x10004000, 1, abi.NO_MASK]]);
    expect(digestOps(write([[0x10000000, 2 ** 44, 2, 0]]))).toBeUndefined(); //          16 TiB long
    expect(digestOps(write([[0x10000000, 4096, 2, 0], [0x10000000 + 4096 + 2 ** 44, 4096, 2, 0]]))).toBeUndefined(); // gap
    expect(digestOps(write([[2 ** 53 - 4096, 8192, 2, 0]]))).toBeUndefined(); //        ends past 2^53
    expect(digestOps(write([[0x10000000, 4096, 0x10002, 0]]))).toBeUndefined(); //     mode above 0xffff
    expect(digestOps(write([[0x10000000, 4096, 2, 0xffff]]))).toBeUndefined(); //      mask index 0xffff
    expect(digestOps(write([[0x10000000, 2048, 2, 0]]))).toBeUndefined(); //           not 4 KiB units

    // verify() then gets its expectations from a copy of the records, alike.
    for (const ops of [[[0x10000000, 4096, 2, 0], [0x10002000, 8192, 1, abi.NO_MASK]], [[0x10000000, 2 ** 44, 2, 0]]] as const) {
      const p = write(ops.map((o) => [...o] as [number, number, number, number]));
      const result = {} as BatchResult;
      attachKeptOps(result, keepOps(p), (k) => k !== 1);
      const want = recordOps(p).filter((_, k) => k !== 1).map(([addr, end, mode, mask]) => ({ addr, end, mode, mask }));
      expect(expectationsOf(result)!.map((x) => ({ addr: x.addr, end: x.end, mode: x.mode, mask: x.nodes === null ? abi.NO_MASK : 0 })))
        .toEqual(want);
      expect(expectationsOf(result)![0]!.nodes?.toArray()).toEqual([0]);
    }
  });
});
