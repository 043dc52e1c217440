import fc from "fast-check";
import { describe, expect, test } from "vitest";
import * as abi from "../../assembly/abi.ts";
import { Engine } from "../../host/core/engine/mod.ts";
import { POLICIES, request, setup } from "./helpers/arbitraries.ts";
import { rawPlan, type RawRequest } from "./helpers/raw_plan.ts";
import { referencePlan } from "./reference_planner.ts";

// The planner caches the policy ids of the raw (mode, flags, mask index) triples it resolved
// (a direct-mapped table of 256 slots, emptied per batch), and the emitter the last two
// policies whose ops it validated, so that a batch skips the rules and the intern table for
// policies it has seen. These properties check that the shortcuts change nothing: not the
// ops, not the statistics, and not which request a refusal names or why.

const RUNS = 5_000;
const e = new Engine();
const { MPOL_BIND: BIND, MPOL_DEFAULT: DEF, MPOL_LOCAL: LOCAL, MPOL_PREFERRED: PREF } = abi;

/** Policies the kernel refuses on usable nodes 0-3, each for a different rule. */
const REFUSED: { mode: number; nodes: number[] | null }[] = [
  { mode: DEF, nodes: [1] }, { mode: BIND, nodes: [] }, { mode: BIND, nodes: [6] },
  { mode: LOCAL, nodes: [2] }, { mode: PREF | abi.MPOL_F_STATIC_NODES, nodes: null }, { mode: 9, nodes: [0] },
  { mode: BIND | abi.MPOL_F_STATIC_NODES | abi.MPOL_F_RELATIVE_NODES, nodes: [0] },
];

/** Requests whose policies come from a few shared objects, mostly accepted, some refused. */
const mixedRequest: fc.Arbitrary<RawRequest> = fc.tuple(request, fc.nat({ max: 99 }), fc.nat({ max: 2 }),
  fc.constantFrom(0, 0, 0, 0x80)).map(([r, pick, few, badFlags]) => {
  const p = pick < 8 ? REFUSED[pick % REFUSED.length]! : POLICIES[pick < 60 ? few : pick % POLICIES.length]!;
  return { ...r, mode: p.mode, nodes: p.nodes, flags: badFlags || r.flags };
});
const mixedBatch = fc.tuple(fc.array(mixedRequest, { minLength: 1, maxLength: 16 }), setup);

/** Codes the per-request pass returns, for the first request it refuses. */
const PER_REQUEST = new Set([abi.E_RULE, abi.E_NO_FULL_PAGE, abi.E_WRAP, abi.E_EMPTY_RANGE,
  abi.E_UNALIGNED, abi.E_MASK_INDEX, abi.E_WEIGHT]);

describe("policy shortcuts in the planner (fast-check, 5,000 runs each)", () => {
  test("shared masks plan exactly as a mask per request: ops, stats, refusal, request and rule", () => {
    fc.assert(fc.property(mixedBatch, ([reqs, s]) => {
      const shared = rawPlan(e, reqs, s, true), own = rawPlan(e, reqs, s, false);
      expect({ code: shared.code, index: shared.index, rule: shared.rule })
        .toEqual({ code: own.code, index: own.index, rule: own.rule });
      if (own.code === abi.OK) {
        expect(shared.ops).toEqual(own.ops);
        expect(shared.stats).toEqual(own.stats);
      }
    }), { numRuns: RUNS });
  });

  test("a refusal names the first request refused on its own, with its own rule", () => {
    fc.assert(fc.property(mixedBatch, ([reqs, s]) => {
      const got = rawPlan(e, reqs, s, true);
      if (!PER_REQUEST.has(got.code)) return;
      const alone = rawPlan(e, [reqs[got.index]!], s);
      expect({ code: alone.code, rule: alone.rule }).toEqual({ code: got.code, rule: got.rule });
      const earlier = reqs.slice(0, got.index).map((r) => rawPlan(e, [r], s).code);
      expect(earlier.filter((c) => c !== abi.OK)).toEqual([]);
    }), { numRuns: RUNS });
  });

  test("refusals do occur in these batches (the properties above are not vacuous)", () => {
    const codes = new Set(fc.sample(mixedBatch, { numRuns: 500, seed: 7 }).map(([reqs, s]) => rawPlan(e, reqs, s, true).code));
    expect(codes.has(abi.E_RULE)).toBe(true);
    expect(codes.has(abi.OK)).toBe(true);
  });
});

describe("the policy intern table grows with the batch's distinct policies", () => {
  test("thousands of distinct policies plan exactly as the reference planner says (the table rehashes past 512)", () => {
    // 64 usable nodes x bind/preferred/interleave x plain/static: 384 masks' worth of distinct
    // (mode, flags, mask) triples, then pairs of nodes for more; every request its own policy.
    const usable = Array.from({ length: 64 }, (_, i) => i);
    const modes = [BIND, PREF, abi.MPOL_INTERLEAVE, BIND | abi.MPOL_F_STATIC_NODES];
    const reqs: RawRequest[] = [];
    for (let k = 0; reqs.length < 3000; k++) {
      const a = k % 64, b = (k * 7 + 3) % 64;
      reqs.push({ addr: 0x10000000 + reqs.length * 8192, len: 4096, mode: modes[k % 4]!, flags: 0, nodes: a === b || k < 256 ? [a] : [a, b], buffer: false });
    }
    const s = { pageSize: 4096, usable, maxNumNodes: 1024 };
    const got = rawPlan(e, reqs, s);
    expect(got.code).toBe(abi.OK);
    expect(got.ops).toHaveLength(3000);
    expect(got).toEqual(referencePlan(reqs, s));
  });
});

describe("the resolver's cache of policy triples", () => {
  // 64 usable nodes x four modes x one or two nodes: far more triples than the cache has slots,
  // so some share a slot whatever the hash; requests pick among them at random and overlap.
  const usable = Array.from({ length: 64 }, (_, i) => i);
  const modes = [BIND, PREF, abi.MPOL_INTERLEAVE, BIND | abi.MPOL_F_STATIC_NODES];
  const pool = (size: number): { mode: number; nodes: number[] }[] => Array.from({ length: size }, (_, k) => ({
    mode: modes[k % 4]!, nodes: k < 256 ? [(k >> 2) % 64] : [(k >> 2) % 64, (k * 7 + 3) % 64].sort((a, b) => a - b),
  })).filter((p, k, all) => all.findIndex((q) => q.mode === p.mode && q.nodes.join() === p.nodes.join()) === k);
  const s = { pageSize: 4096, usable, maxNumNodes: 1024 };

  // Over 254 distinct policies the dense painter keeps bare request indexes; under, it keeps
  // each request's policy id beside its index: both must plan as the reference does.
  for (const size of [40, 700]) {
    test(`overlapping requests over ${size} policies that share cache slots plan as the reference planner does`, () => {
      const policies = pool(size);
      const batch = fc.array(fc.tuple(fc.nat({ max: policies.length - 1 }), fc.nat({ max: 1200 }), fc.integer({ min: 1, max: 24 })),
        { minLength: 300, maxLength: 600 });
      fc.assert(fc.property(batch, (picks) => {
        const reqs: RawRequest[] = picks.map(([k, page, pages]) => ({
          addr: 0x10000000 + page * 4096, len: pages * 4096, mode: policies[k]!.mode, flags: 0, nodes: policies[k]!.nodes, buffer: false,
        }));
        const got = rawPlan(e, reqs, s, true), want = referencePlan(reqs, s);
        expect(got.code).toBe(abi.OK);
        expect(got.stats).toEqual(want.stats);
        expect(got.ops).toEqual(want.ops);
      }), { numRuns: 40 });
    });
  }

  test("the cache is emptied per batch: a mask index the last batch had is refused in the next", () => {
    const two = rawPlan(e, [
      { addr: 0x10000000, len: 4096, mode: BIND, flags: 0, nodes: [0], buffer: false },
      { addr: 0x10001000, len: 4096, mode: BIND, flags: 0, nodes: [1], buffer: false },
    ], { pageSize: 4096, usable: [0, 1] });
    expect(two.code).toBe(abi.OK);
    // The same (mode, flags, mask index 1) triple, in a batch whose mask table has one mask.
    const base = e.x.plan_input(1, 1, 1, 0);
    const dv = e.view();
    dv.setBigUint64(base + abi.REQ_ADDR, 0x10001000n, true);
    dv.setBigUint64(base + abi.REQ_LEN, 4096n, true);
    dv.setInt32(base + abi.REQ_MODE, BIND, true);
    dv.setUint32(base + abi.REQ_FLAGS, 0, true);
    dv.setUint32(base + abi.REQ_MASK, 1, true);
    dv.setUint32(base + abi.REQ_KIND, 0, true);
    dv.setBigUint64(e.x.plan_mask_table(), 1n, true);
    expect(e.x.plan_run()).toBe(abi.E_MASK_INDEX);
    expect(e.x.plan_err_index()).toBe(0);
  });
});
