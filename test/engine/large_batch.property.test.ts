import fc from "fast-check";
import { describe, expect, test } from "vitest";
import * as abi from "../../assembly/abi.ts";
import { Engine } from "../../host/core/engine/mod.ts";
import { request, setup } from "./helpers/arbitraries.ts";
import { rawPlan, type RawRequest } from "./helpers/raw_plan.ts";
import { referencePlan } from "./reference_planner.ts";

// The small batches of planner.property.test.ts sort their range ends by insertion; these are
// big enough for the in-place radix levels (more than 16 requests), and for the wide path
// (range ends whose span and index need more than 64 bits together).
const e = new Engine();

/** The same request `stretch` times further from the window's start (fewer shared ends). */
const spread = (r: RawRequest, stretch: number): RawRequest => {
  const off = r.addr - 0x10000000;
  const page = Math.floor(off / 4096);
  return { ...r, addr: 0x10000000 + page * stretch * 4096 + (off - page * 4096) };
};

const manyRequests = fc.tuple(
  fc.array(request, { minLength: 17, maxLength: 400 }),
  fc.constantFrom(1, 1, 3, 97, 4099),
  setup,
).map(([reqs, stretch, s]) => [reqs.map((r) => spread(r, stretch)), { ...s, overlapError: false }] as const);

describe("big batches (fast-check)", () => {
  test("hundreds of overlapping requests plan as the reference planner does (last wins)", () => {
    fc.assert(fc.property(manyRequests, ([reqs, s]) => {
      const got = rawPlan(e, reqs, s), want = referencePlan(reqs, s);
      expect(got.code).toBe(want.code);
      if (want.code === abi.OK) {
        expect(got.stats).toEqual(want.stats);
        expect(got.ops).toEqual(want.ops);
      }
    }), { numRuns: 300 });
  });

  test("requests near address 0 and past 2^63 at once (the wide path) plan as the reference does", () => {
    // Pages from 2^16 to past 1.5 * 2^51 span 52 bits; 2,100 requests need 13 index bits: 65.
    const TOP = 2 ** 63 + 2 ** 62;
    const far = fc.array(fc.record({
      page: fc.integer({ min: 0, max: 200 }), pages: fc.integer({ min: 1, max: 8 }), high: fc.boolean(),
      policy: fc.integer({ min: 0, max: 2 }),
    }), { minLength: 2100, maxLength: 2200 });
    const modes = [abi.MPOL_BIND, abi.MPOL_PREFERRED, abi.MPOL_INTERLEAVE];
    fc.assert(fc.property(far, (rs) => {
      const reqs: RawRequest[] = rs.map((r) => ({
        addr: (r.high ? TOP : 0x10000000) + r.page * 4096, len: r.pages * 4096,
        mode: modes[r.policy]!, flags: 0, nodes: [r.policy], buffer: false,
      }));
      const s = { pageSize: 4096, usable: [0, 1, 2, 3], overlapError: false };
      const got = rawPlan(e, reqs, s), want = referencePlan(reqs, s);
      expect(got.code).toBe(abi.OK);
      expect(want.code).toBe(abi.OK);
      expect(got.stats).toEqual(want.stats);
      expect(got.ops).toEqual(want.ops);
      expect(got.ops.some((o) => o.addr >= TOP)).toBe(true);
    }), { numRuns: 20 });
  });

  test("planning twice from fresh records gives the same ops (the last-wins path reuses the records)", () => {
    fc.assert(fc.property(manyRequests, ([reqs, s]) => {
      expect(rawPlan(e, reqs, s)).toEqual(rawPlan(e, reqs, s));
    }), { numRuns: 100 });
  });
});
