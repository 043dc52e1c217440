import fc from "fast-check";
import { describe, expect, test } from "vitest";
import * as abi from "../../assembly/abi.ts";
import { Engine } from "../../host/core/engine/mod.ts";
import { anyBatch as batch, anyRawBatch as rawBatch, BASE, PAGE } from "./helpers/arbitraries.ts";
import { type RawOp, rawPlan, type RawRequest, type RawSetup } from "./helpers/raw_plan.ts";
import { pagesOf, referencePlan } from "./reference_planner.ts";

const RUNS = 10_000;
const e = new Engine();

/** Page-level policy of an op, as a comparable key. */
const key = (o: { mode: number; flags: number; nodes: number[] | null }): string =>
  `${o.mode}/${o.flags}/${o.nodes?.join(",") ?? "-"}`;

/** Expands ops into page -> op. */
function pageMap(ops: RawOp[]): Map<number, RawOp> {
  const m = new Map<number, RawOp>();
  for (const o of ops) for (let a = o.addr; a < o.addr + o.len; a += PAGE) m.set(a, o);
  return m;
}

describe("planner properties (fast-check, 10,000 runs each)", () => {
  test("the Wasm plan equals the reference planner's, ops and stats, or both refuse alike", () => {
    fc.assert(fc.property(batch, ([reqs, s]) => {
      const got = rawPlan(e, reqs, s), want = referencePlan(reqs, s);
      expect(got.code).toBe(want.code);
      if (want.code === abi.E_NO_FULL_PAGE) expect(got.index).toBe(want.index);
      if (want.code === abi.OK || want.code === abi.E_VMA_BUDGET) expect(got.stats).toEqual(want.stats);
      if (want.code === abi.OK) expect(got.ops).toEqual(want.ops);
    }), { numRuns: RUNS });
  });

  test("ops are sorted by address, page aligned, never overlap, and stay inside the requests", () => {
    fc.assert(fc.property(rawBatch, ([reqs, s]) => {
      const got = rawPlan(e, reqs, { ...s, overlapError: false });
      expect(got.code).toBe(abi.OK);
      const covered = new Set<number>();
      for (const r of reqs) for (let a = r.addr; a < r.addr + r.len; a += PAGE) covered.add(a);
      const bad = got.ops.filter((o, i) => o.len <= 0 || o.addr % PAGE !== 0 || o.len % PAGE !== 0
        || (i > 0 && got.ops[i - 1]!.addr + got.ops[i - 1]!.len > o.addr)
        || Array.from({ length: o.len / PAGE }, (_, k) => o.addr + k * PAGE).some((a) => !covered.has(a)));
      expect(bad).toEqual([]);
    }), { numRuns: RUNS });
  });

  test("every page's final policy is the one of the last request covering it", () => {
    fc.assert(fc.property(rawBatch, ([reqs, s]) => {
      const plain: RawSetup = { ...s, overlapError: false, block: 0 };
      const got = rawPlan(e, reqs, plain);
      const pages = pageMap(got.ops);
      const last = new Map<number, RawRequest>();
      for (const r of reqs) for (let a = r.addr; a < r.addr + r.len; a += PAGE) last.set(a, r);
      expect(pages.size).toBe(last.size);
      const wrong: number[] = [];
      for (const [a, r] of last) {
        const o = pages.get(a);
        const nodes = r.nodes && r.nodes.length ? [...r.nodes].sort((x, y) => x - y) : null;
        if (!o || key(o) !== key({ mode: r.mode, flags: r.flags, nodes })) wrong.push(a);
      }
      expect(wrong).toEqual([]);
    }), { numRuns: RUNS });
  });

  test("op count is the number of maximal equal-policy runs (plus chunk cuts when chunking)", () => {
    fc.assert(fc.property(rawBatch, ([reqs, s]) => {
      const got = rawPlan(e, reqs, { ...s, overlapError: false });
      const pages = [...pageMap(got.ops).entries()].sort((a, b) => a[0] - b[0]);
      const chunk = s.chunk ? Math.ceil(s.chunk / (s.huge || PAGE)) * (s.huge || PAGE) : 0;
      let runs = 0;
      pages.forEach(([a, o], i) => {
        const prev = pages[i - 1];
        const joins = prev && prev[0] + PAGE === a && key(prev[1]) === key(o);
        if (!joins || (chunk && a % chunk === 0)) runs++;
      });
      expect(got.ops.length).toBe(runs);
    }), { numRuns: RUNS });
  });

  test("the same input plans to the same bytes twice (deterministic output)", () => {
    fc.assert(fc.property(batch, ([reqs, s]) => {
      expect(rawPlan(e, reqs, s)).toEqual(rawPlan(e, reqs, s));
    }), { numRuns: RUNS });
  });

  test("buffers shrink to the pages they fully own, never touching a neighbour", () => {
    fc.assert(fc.property(batch, ([reqs, s]) => {
      const got = rawPlan(e, reqs, { ...s, overlapError: false, block: 0, chunk: 0 });
      if (got.code !== abi.OK) return;
      const bad = got.ops.filter((o) => {
        const r = reqs[o.request]!;
        const [a, b] = pagesOf(r, PAGE)!;
        return o.addr < a || o.addr >= b || a < r.addr || b > r.addr + r.len;
      });
      expect(bad).toEqual([]);
    }), { numRuns: RUNS });
  });

  test("every op passes the engine's own kernel-rule validator", () => {
    fc.assert(fc.property(batch, ([reqs, s]) => {
      const got = rawPlan(e, reqs, s);
      if (got.code !== abi.OK) return;
      const verdicts = got.ops.map((o) => {
        const at = e.x.mask_slot(abi.SLOT_A);
        const u32 = e.u32();
        u32.fill(0, at >>> 2, (at >>> 2) + 2);
        for (const n of o.nodes ?? []) u32[(at >>> 2) + (n >>> 5)]! |= 1 << (n & 31);
        return e.x.validate_mbind(BigInt(o.addr), BigInt(o.len), o.mode, o.nodes ? at : 0, 1, o.flags);
      });
      expect(verdicts.filter((v) => v !== abi.V_OK)).toEqual([]);
    }), { numRuns: RUNS });
  });
});

test("the window the generators use sits where tests expect", () => {
  expect(BASE % (2 << 20)).toBe(0);
});
